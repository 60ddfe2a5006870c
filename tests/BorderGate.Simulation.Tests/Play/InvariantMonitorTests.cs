using BorderGate.Simulation.Play;

namespace BorderGate.Simulation.Tests.Play;

public sealed class InvariantMonitorTests
{
    [Fact]
    public void VehicleFollowingAnotherIntoASegment_AfterItLeft_IsNoViolation()
    {
        var monitor = new InvariantMonitor();

        monitor.OnSegmentChanged("ctl-agv-01", "out-3", entered: true);
        monitor.OnSegmentChanged("ctl-agv-01", "out-3", entered: false);
        monitor.OnSegmentChanged("ctl-agv-02", "out-3", entered: true);
        monitor.OnSegmentChanged("ctl-agv-01", "out-4", entered: true);

        Assert.Empty(monitor.Violations);
    }

    [Fact]
    public void VehicleEnteringASegmentAnotherIsStillIn_IsAViolation_NamingBoth()
    {
        var monitor = new InvariantMonitor();

        monitor.OnSegmentChanged("ctl-agv-20", "out-3", entered: true);
        monitor.OnSegmentChanged("ctl-agv-02", "out-3", entered: true);

        Assert.Equal(["two vehicles in segment out-3: ctl-agv-20 and ctl-agv-02"], monitor.Violations);
    }
}
