using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using BorderGate.Contracts.Trips;
using BorderGate.Grains.Customs;
using BorderGate.TestSupport;

namespace BorderGate.Grains.Tests.Flow;

/// <summary>Lanes and the gate take the checkpoint timings of their own site's layout, not a shared default.</summary>
public sealed class SiteTimingsFlowTests
{
    private static readonly SiteLayout s_fastSite = TestSites.Small(new DispatchPolicy { DeviceStaleAfter = TimeSpan.FromDays(1) }) with
    {
        Timings = new CheckpointTimings { WeighTimeout = TimeSpan.FromMinutes(1), Inspection = TimeSpan.FromMinutes(4) },
    };

    [Fact]
    public async Task Lane_NoStableReading_ReturnsTheTruckAfterItsSitesWeighTimeout()
    {
        await WithCrossingAsync(new SimulatedCustomsChannels(yellowShare: 0, redShare: 0), async crossing =>
        {
            var lane = await OntoTheWeighbridgeAsync(crossing, "29C70001");
            await Telemetry(crossing, $"wb-{lane}", "weight", ("kg", "20100"), ("stable", "false"));

            crossing.Cluster.TimeProvider.Advance(TimeSpan.FromSeconds(59));
            Assert.Equal(LaneStep.Weighing, (await crossing.Lane(lane).Status()).Step);

            crossing.Cluster.TimeProvider.Advance(TimeSpan.FromSeconds(1));
            await Wait.WaitUntil(async () => (await TripOf(crossing, "29C70001")).Events.Any(e => e.Name == "returned to queue"), TimeSpan.FromSeconds(10), "returned");
            Assert.Contains("within 1 min", (await TripOf(crossing, "29C70001")).Events.Last(e => e.Name == "returned to queue").Detail, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Gate_RedChannel_InspectionEndsAfterItsSitesInspectionTime()
    {
        await WithCrossingAsync(new SimulatedCustomsChannels(yellowShare: 0, redShare: 1), async crossing =>
        {
            var lane = await OntoTheWeighbridgeAsync(crossing, "29C70002");
            await Telemetry(crossing, $"wb-{lane}", "weight", ("kg", "20000"), ("stable", "true"));
            await Wait.WaitUntil(() => Task.FromResult(crossing.Hardware.SentTo($"bar-{lane}").Any(c => c.Name == "open")), TimeSpan.FromSeconds(10), "barrier opens");
            await crossing.UntilLeavingAsync(lane);
            crossing.Cluster.TimeProvider.Advance(crossing.Timings.BarrierPass);
            await Wait.WaitUntil(async () => (await TripOf(crossing, "29C70002")).InspectionBayId == "bay-1", TimeSpan.FromSeconds(10), "in the bay");

            // The gate's clock ticks each minute: a minute past the site's 4 min, well short of the default 25.
            crossing.Cluster.TimeProvider.Advance(s_fastSite.Timings.Inspection + TimeSpan.FromMinutes(1));
            await Wait.WaitUntil(async () => (await TripOf(crossing, "29C70002")).Events.Any(e => e.Name == "inspection passed"), TimeSpan.FromSeconds(10), "inspection passed");
        });
    }

    private static async Task WithCrossingAsync(ICustomsChannels customs, Func<CrossingFixture, Task> test)
    {
        var crossing = new CrossingFixture(s_fastSite, customs);
        await crossing.InitializeAsync();
        try
        {
            Assert.Equal(s_fastSite.Timings, crossing.Timings);
            await test(crossing);
        }
        finally
        {
            await crossing.DisposeAsync();
        }
    }

    private static async Task<string> OntoTheWeighbridgeAsync(CrossingFixture crossing, string plate)
    {
        foreach (var device in s_fastSite.Devices())
        {
            await crossing.Cluster.GrainFactory.GetGrain<IDeviceGrain>(CrossingIds.Device(TestSites.CrossingId, device.DeviceId)).OnConnectionChanged(true, crossing.Now);
        }

        await crossing.BookAsync(plate, CargoKind.Electronics);
        await Telemetry(crossing, "cam-entrance", "plate-read", ("plate", plate));
        await Wait.WaitUntil(async () => (await TripOf(crossing, plate)).Status == TruckStatus.Called, TimeSpan.FromSeconds(10), "called");
        var lane = (await TripOf(crossing, plate)).LaneId!;
        await Telemetry(crossing, $"cam-{lane}", "plate-read", ("plate", plate));
        await Wait.WaitUntil(async () => (await crossing.Lane(lane).Status()).Step == LaneStep.Weighing, TimeSpan.FromSeconds(10), "weighing");
        return lane;
    }

    private static Task Telemetry(CrossingFixture crossing, string device, string name, params (string Key, string Value)[] data) =>
        crossing.Cluster.GrainFactory.GetGrain<IDeviceGrain>(CrossingIds.Device(TestSites.CrossingId, device))
            .OnTelemetry(name, data.ToDictionary(d => d.Key, d => d.Value), crossing.Now);

    private static async Task<TripView> TripOf(CrossingFixture crossing, string plate) => (await crossing.Truck(plate).Current())!;
}
