using BorderGate.Actors.Streams;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using BorderGate.Grains.Customs;
using BorderGate.TestSupport;

namespace BorderGate.Grains.Tests.Flow;

/// <summary>Driverless trucks on the route: one vehicle per segment, and a breakdown stops the ones behind.</summary>
public sealed class VehicleFlowTests : IAsyncLifetime
{
    private readonly CrossingFixture _crossing = new(
        TestSites.Small(new DispatchPolicy { DeviceStaleAfter = TimeSpan.FromDays(1) }) with
        {
            DriverlessTrucks = [new DriverlessTruckLayout("agv-01", "ctl-agv-01", "yard"), new DriverlessTruckLayout("agv-02", "ctl-agv-02", "yard")],
        },
        new SimulatedCustomsChannels(0, 0));

    public Task InitializeAsync() => _crossing.InitializeAsync();

    public Task DisposeAsync() => _crossing.DisposeAsync();

    private IDriverlessTruckGrain Vehicle(string id) => _crossing.Cluster.GrainFactory.GetGrain<IDriverlessTruckGrain>(CrossingIds.DriverlessTruck(TestSites.CrossingId, id));

    private IDeviceGrain Controller(string id) => _crossing.Cluster.GrainFactory.GetGrain<IDeviceGrain>(CrossingIds.Device(TestSites.CrossingId, id));

    [Fact]
    public async Task Loaded_AnswersOnceTheLegIsStored_WithoutWaitingForTheControllersAck()
    {
        await Controller("ctl-agv-01").OnConnectionChanged(true, _crossing.Now);
        await Vehicle("agv-01").ReserveFor("CSQU3054383");
        _crossing.Hardware.HoldAcks("ctl-agv-01");
        try
        {
            // The gate reports a container loaded from its own turn: it must not wait for the route and the controller.
            await Vehicle("agv-01").Loaded("CSQU3054383").WaitAsync(TimeSpan.FromSeconds(5));
            await Wait.WaitUntil(() => Task.FromResult(_crossing.Hardware.SentTo("ctl-agv-01").Any(c => c.Name == "drive")), TimeSpan.FromSeconds(10), "the drive command is sent");
        }
        finally
        {
            _crossing.Hardware.ReleaseAcks("ctl-agv-01");
        }

        await Wait.WaitUntil(async () => (await Vehicle("agv-01").Status()).Segment == "s1", TimeSpan.FromSeconds(10), "agv-01 in s1");
        Assert.Equal(VehicleMode.Outbound, (await Vehicle("agv-01").Status()).Mode);
    }

    [Fact]
    public async Task HandoverAtTheBorder_IsPublishedOnTheCrossingFeed()
    {
        await Controller("ctl-agv-01").OnConnectionChanged(true, _crossing.Now);
        var (crossed, subscription) = await _crossing.CollectFeedAsync<ContainerCrossed>();
        await using var _ = subscription;

        await Vehicle("agv-01").ReserveFor("CSQU3054383");
        await Vehicle("agv-01").Loaded("CSQU3054383");
        await Wait.WaitUntil(async () => (await Vehicle("agv-01").Status()).Segment == "s1", TimeSpan.FromSeconds(10), "agv-01 in s1");
        await Controller("ctl-agv-01").OnTelemetry("position", new Dictionary<string, string> { ["waypoint"] = "handoff" }, _crossing.Now);

        await Wait.WaitUntil(() => { lock (crossed) { return crossed.Count == 1; } }, TimeSpan.FromSeconds(10), "the handover on the feed");
        Assert.Equal(("agv-01", "CSQU3054383"), (crossed[0].VehicleId, crossed[0].ContainerNumber));
    }

    [Fact]
    public async Task Breakdown_KeepsTheSegment_VehicleBehindWaits_AlarmRaised_ThenBothGoOn()
    {
        await Controller("ctl-agv-01").OnConnectionChanged(true, _crossing.Now);
        await Controller("ctl-agv-02").OnConnectionChanged(true, _crossing.Now);
        var alarms = new List<DeviceAlarm>();
        var stream = _crossing.Cluster.Runtime.GetStreamProvider(StreamProviderNames.Default).GetStream<DeviceAlarm>(new StreamId(DeviceAlarm.StreamNamespace, TestSites.CrossingId));
        await using var subscription = await stream.SubscribeAsync((e, _) =>
        {
            lock (alarms)
            {
                alarms.Add(e.Item);
            }

            return Task.CompletedTask;
        });

        await Vehicle("agv-01").ReserveFor("CSQU3054383");
        await Vehicle("agv-01").Loaded("CSQU3054383");
        await Wait.WaitUntil(async () => (await Vehicle("agv-01").Status()).Segment == "s1", TimeSpan.FromSeconds(10), "agv-01 drives into s1");

        await Controller("ctl-agv-01").OnFault("breakdown", "drive unit fault", _crossing.Now);
        await Wait.WaitUntil(async () => (await Vehicle("agv-01").Status()).Mode == VehicleMode.BrokenDown, TimeSpan.FromSeconds(10), "broken down");

        await Vehicle("agv-02").ReserveFor("MSKU9070323");
        await Vehicle("agv-02").Loaded("MSKU9070323");
        await Wait.WaitUntil(async () => (await Vehicle("agv-02").Status()).Mode == VehicleMode.Blocked, TimeSpan.FromSeconds(10), "agv-02 waits for s1");
        var behind = await Vehicle("agv-02").Status();
        Assert.Equal(VehicleMode.Blocked, behind.Mode);
        Assert.Null(behind.Segment);
        var route = await _crossing.Cluster.GrainFactory.GetGrain<IRouteGrain>(TestSites.CrossingId).Status();
        Assert.Equal("agv-01", route.Holders["s1"]);
        Assert.Equal(["agv-02"], route.Waiting["s1"]);
        await Wait.WaitUntil(() => { lock (alarms) { return alarms.Any(a => a.DeviceId == "ctl-agv-01"); } }, TimeSpan.FromSeconds(10), "an alarm for the breakdown");

        // Repaired: it drives on, leaves the segment, and the one behind gets it.
        await Controller("ctl-agv-01").ClearFault();
        await Wait.WaitUntil(async () => (await Vehicle("agv-01").Status()).Mode == VehicleMode.Outbound, TimeSpan.FromSeconds(10), "back on the road");
        await Controller("ctl-agv-01").OnTelemetry("position", new Dictionary<string, string> { ["waypoint"] = "handoff" }, _crossing.Now);
        await Wait.WaitUntil(async () => (await Vehicle("agv-02").Status()).Segment == "s1", TimeSpan.FromSeconds(10), "the vehicle behind enters the segment");
        var after = await _crossing.Cluster.GrainFactory.GetGrain<IRouteGrain>(TestSites.CrossingId).Status();
        Assert.Equal("agv-02", after.Holders["s1"]);
    }
    /// <summary>
    /// The vehicle stores its leg, not every segment: after a restart mid-segment it takes its place from the route's
    /// locks, asks its controller to drive the segment again (a new command id), and goes on when the controller reports
    /// the segment's end.
    /// </summary>
    [Fact]
    public async Task Restart_MidSegment_VehicleTakesItsPlaceFromTheRoute_DrivesItAgain_AndHandsOver()
    {
        await Controller("ctl-agv-01").OnConnectionChanged(true, _crossing.Now);
        await Vehicle("agv-01").ReserveFor("CSQU3054383");
        await Vehicle("agv-01").Loaded("CSQU3054383");
        await Wait.WaitUntil(async () => (await Vehicle("agv-01").Status()).Segment == "s1", TimeSpan.FromSeconds(10), "agv-01 in s1");
        await Wait.WaitUntil(() => Task.FromResult(_crossing.Hardware.SentTo("ctl-agv-01").Count(c => c.Name == "drive") == 1), TimeSpan.FromSeconds(10), "one drive command");

        await _crossing.Cluster.RestartAsync();
        await Controller("ctl-agv-01").OnConnectionChanged(true, _crossing.Now);

        var resumed = await Vehicle("agv-01").Status();
        Assert.Equal(("s1", VehicleMode.Outbound, "CSQU3054383"), (resumed.Segment, resumed.Mode, resumed.ContainerNumber));
        await Wait.WaitUntil(() => Task.FromResult(_crossing.Hardware.SentTo("ctl-agv-01").Count(c => c.Name == "drive") == 2), TimeSpan.FromSeconds(10), "the segment driven again");
        var drives = _crossing.Hardware.SentTo("ctl-agv-01").Where(c => c.Name == "drive").ToList();
        Assert.NotEqual(drives[0].CommandId, drives[1].CommandId);
        Assert.Equal("s1", drives[1].Args["segment"]);

        await Controller("ctl-agv-01").OnTelemetry("position", new Dictionary<string, string> { ["waypoint"] = "handoff" }, _crossing.Now);
        await Wait.WaitUntil(async () => (await Vehicle("agv-01").Status()) is { Mode: VehicleMode.Returning, Segment: "s1r", ContainerNumber: null }, TimeSpan.FromSeconds(10), "handed over, driving back");
        var route = await _crossing.Cluster.GrainFactory.GetGrain<IRouteGrain>(TestSites.CrossingId).Status();
        Assert.Equal("agv-01", route.Holders["s1r"]);
        Assert.False(route.Holders.ContainsKey("s1"));
    }

    /// <summary>A vehicle waiting for a segment when the silo restarts waits for it again (the route's queue), and gets it when the one ahead leaves it.</summary>
    [Fact]
    public async Task Restart_WhileWaitingForASegment_VehicleWaitsItsTurn_ThenEntersIt()
    {
        await Controller("ctl-agv-01").OnConnectionChanged(true, _crossing.Now);
        await Controller("ctl-agv-02").OnConnectionChanged(true, _crossing.Now);
        await Vehicle("agv-01").ReserveFor("CSQU3054383");
        await Vehicle("agv-01").Loaded("CSQU3054383");
        await Wait.WaitUntil(async () => (await Vehicle("agv-01").Status()).Segment == "s1", TimeSpan.FromSeconds(10), "agv-01 in s1");
        await Vehicle("agv-02").ReserveFor("MSKU9070323");
        await Vehicle("agv-02").Loaded("MSKU9070323");
        await Wait.WaitUntil(async () => (await Vehicle("agv-02").Status()).Mode == VehicleMode.Blocked, TimeSpan.FromSeconds(10), "agv-02 waits for s1");

        await _crossing.Cluster.RestartAsync();
        await Controller("ctl-agv-01").OnConnectionChanged(true, _crossing.Now);
        await Controller("ctl-agv-02").OnConnectionChanged(true, _crossing.Now);

        var waiting = await Vehicle("agv-02").Status();
        Assert.Equal((VehicleMode.Blocked, (string?)null, "yard"), (waiting.Mode, waiting.Segment, waiting.Waypoint));
        Assert.Equal("s1", (await Vehicle("agv-01").Status()).Segment);
        await Controller("ctl-agv-01").OnTelemetry("position", new Dictionary<string, string> { ["waypoint"] = "handoff" }, _crossing.Now);

        await Wait.WaitUntil(async () => (await Vehicle("agv-02").Status()).Segment == "s1", TimeSpan.FromSeconds(10), "agv-02 enters s1");
        var route = await _crossing.Cluster.GrainFactory.GetGrain<IRouteGrain>(TestSites.CrossingId).Status();
        Assert.Equal("agv-02", route.Holders["s1"]);
        Assert.Equal(VehicleMode.Outbound, (await Vehicle("agv-02").Status()).Mode);
    }
}
