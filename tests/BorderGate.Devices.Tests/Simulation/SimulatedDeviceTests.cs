using BorderGate.Contracts.Devices;
using BorderGate.Devices.Simulation;
using BorderGate.Devices.Tests.Support;
using BorderGate.TestSupport;

namespace BorderGate.Devices.Tests.Simulation;

public sealed class SimulatedDeviceTests(DeviceEndpointFixture fixture) : IClassFixture<DeviceEndpointFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    private static DeviceCommand Command(string name, params (string Key, string Value)[] args) =>
        new(Guid.NewGuid().ToString("N"), name, args.ToDictionary(a => a.Key, a => a.Value));

    [Fact]
    public async Task Crane_Move_AckedAtOnceThenMoveDone()
    {
        await using var crane = await fixture.ConnectAsync(new SimulatedCraneController("crc-1", DeviceEndpointFixture.KeyOf("crc-1"), TimeProvider.System, startX: 0, speedMetresPerSecond: 100));

        var result = await fixture.Device("crc-1").Execute(Command("move", ("jobId", "job-1"), ("from", "truck"), ("to", "A-01-01"), ("fromX", "10"), ("toX", "30")));

        Assert.Equal(CommandOutcome.Acknowledged, result.Outcome);
        await Wait.WaitUntil(() => fixture.Owners.EventsOf("crc-1").Any(e => e.Name == "move-done" && e.Data["jobId"] == "job-1"), s_timeout, "move done");
        Assert.Equal(30, crane.X);

        crane.Faults.FaultMidMove = true;
        Assert.Equal(CommandOutcome.Acknowledged, (await fixture.Device("crc-1").Execute(Command("move", ("jobId", "job-2"), ("fromX", "30"), ("toX", "70")))).Outcome);
        await Wait.WaitUntil(() => fixture.Owners.EventsOf("crc-1").Any(e => e.IsFault && e.Name == "hoist-fault"), s_timeout, "hoist fault");
        var fault = fixture.Owners.EventsOf("crc-1").Single(e => e.Name == "hoist-fault");
        Assert.Equal("job-2", fault.Data["jobId"]);
        Assert.Equal("50.0", fault.Data["x"]);
        Assert.Equal("true", fault.Data["holding"]);
        Assert.Equal(DeviceHealth.Faulted, (await fixture.Device("crc-1").Status()).Health);
    }

    [Fact]
    public async Task Vehicle_DriveStopResume_ReachesWaypoint_BreakdownReported()
    {
        await using var vehicle = await fixture.ConnectAsync(new SimulatedVehicleController("vc-1", DeviceEndpointFixture.KeyOf("vc-1"), TimeProvider.System, TestSite.Layout.Route, speedMetresPerSecond: 100));

        Assert.Equal(CommandOutcome.Acknowledged, (await fixture.Device("vc-1").Execute(Command("stop"))).Outcome);
        Assert.Equal(CommandOutcome.Acknowledged, (await fixture.Device("vc-1").Execute(Command("drive", ("segment", "s1"), ("to", "handoff")))).Outcome);
        await Task.Delay(300);
        Assert.Null(vehicle.Waypoint);
        Assert.Equal(CommandOutcome.Acknowledged, (await fixture.Device("vc-1").Execute(Command("resume"))).Outcome);
        await Wait.WaitUntil(() => fixture.Owners.EventsOf("vc-1").Any(e => e.Name == "position" && e.Data["waypoint"] == "handoff"), s_timeout, "at handoff");

        vehicle.Faults.BreakdownOnRoute = true;
        Assert.Equal(CommandOutcome.Acknowledged, (await fixture.Device("vc-1").Execute(Command("drive", ("segment", "s2"), ("to", "yard")))).Outcome);
        await Wait.WaitUntil(() => fixture.Owners.EventsOf("vc-1").Any(e => e.IsFault && e.Name == "breakdown" && e.Data["segment"] == "s2"), s_timeout, "breakdown");
    }

    [Fact]
    public async Task Fleet_EverySiteDevice_ConnectsWithDevelopmentKeys()
    {
        var layout = TestSite.Layout with { CrossingId = TestSite.CrossingId };
        await using var fleet = new SimulatedDeviceFleet(layout, DeviceEndpointFixture.KeyOf, TimeProvider.System);

        await fleet.ConnectAllAsync(fixture.DeviceUri);

        Assert.Equal(21, fleet.Devices.Count);
        Assert.All(fleet.Devices, d => Assert.True(fixture.Hub.IsConnected(d.DeviceId), d.DeviceId));
        await fleet.Get<SimulatedPlateCamera>("cam-entry").SightAsync("29C99999");
        await Wait.WaitUntil(() => fixture.Owners.EventsOf("cam-entry").Any(e => e.Data.GetValueOrDefault("plate") == "29C99999"), s_timeout, "entrance plate at the gate");
        Assert.Equal("test-crossing", fixture.Owners.OwnersOf("cam-entry").Last());
    }
}
