using System.Diagnostics.Metrics;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using BorderGate.Contracts.Trips;
using BorderGate.Grains.Customs;
using BorderGate.TestSupport;

namespace BorderGate.Grains.Tests.Flow;

/// <summary>Customs channels and plant quarantine at the lane, with a customs stand-in that answers per declaration.</summary>
public sealed class ChannelFlowTests : IAsyncLifetime
{
    private readonly FixedChannels _customs = new();
    private readonly CrossingFixture _crossing;

    public ChannelFlowTests() =>
        _crossing = new CrossingFixture(TestSites.Small(new DispatchPolicy { DeviceStaleAfter = TimeSpan.FromDays(1) }), _customs);

    public Task InitializeAsync() => _crossing.InitializeAsync();

    public Task DisposeAsync() => _crossing.DisposeAsync();

    private Task Telemetry(string device, string name, params (string Key, string Value)[] data) =>
        _crossing.Cluster.GrainFactory.GetGrain<IDeviceGrain>(CrossingIds.Device(TestSites.CrossingId, device))
            .OnTelemetry(name, data.ToDictionary(d => d.Key, d => d.Value), _crossing.Now);

    private async Task<TripView> TripOf(string plate) => (await _crossing.Truck(plate).Current())!;

    private async Task<string> ThroughWeighbridgeAsync(string plate, CargoKind cargo, CustomsChannel channel)
    {
        _customs.Channels["100000000001"] = channel;
        foreach (var device in TestSites.Small().Devices())
        {
            await _crossing.Cluster.GrainFactory.GetGrain<IDeviceGrain>(CrossingIds.Device(TestSites.CrossingId, device.DeviceId)).OnConnectionChanged(true, _crossing.Now);
        }

        await _crossing.BookAsync(plate, cargo);
        await Telemetry("cam-entrance", "plate-read", ("plate", plate));
        await Wait.WaitUntil(async () => (await TripOf(plate)).Status == TruckStatus.Called, TimeSpan.FromSeconds(10), "called");
        var lane = (await TripOf(plate)).LaneId!;
        await Telemetry($"cam-{lane}", "plate-read", ("plate", plate));
        await Telemetry($"wb-{lane}", "weight", ("kg", "20000"), ("stable", "true"));
        return lane;
    }

    [Fact]
    public async Task YellowChannel_FreshFruit_DocumentCheckThenQuarantineThenBarrier()
    {
        var lane = await ThroughWeighbridgeAsync("29C80001", CargoKind.FreshFruit, CustomsChannel.Yellow);
        await Wait.WaitUntil(async () => (await _crossing.Lane(lane).Status()).Step == LaneStep.DocumentCheck, TimeSpan.FromSeconds(10), "document check");
        Assert.Empty(_crossing.Hardware.SentTo($"bar-{lane}"));

        _crossing.Cluster.TimeProvider.Advance(_crossing.Timings.DocumentCheck);
        await Wait.WaitUntil(async () => (await _crossing.Lane(lane).Status()).Step == LaneStep.Quarantine, TimeSpan.FromSeconds(10), "quarantine");
        Assert.Empty(_crossing.Hardware.SentTo($"bar-{lane}"));

        _crossing.Cluster.TimeProvider.Advance(_crossing.Timings.Quarantine);
        await Wait.WaitUntil(() => Task.FromResult(_crossing.Hardware.SentTo($"bar-{lane}").Any(c => c.Name == "open")), TimeSpan.FromSeconds(10), "barrier opens");

        // The trip records the step once the barrier acknowledged the command, a moment after it was sent.
        await Wait.WaitUntil(async () => (await TripOf("29C80001")).Events.Any(e => e.Name == "barrier opened"), TimeSpan.FromSeconds(10), "barrier opened recorded");
        var events = (await TripOf("29C80001")).Events.Select(e => e.Name).ToList();
        Assert.Equal(["customs channel", "documents checked", "quarantine passed", "barrier opened"], events.SkipWhile(e => e != "customs channel"));
    }

    [Fact]
    public async Task RedChannel_TruckGoesToAnInspectionBay_LaneFreesAtOnce_TransferAfterInspection()
    {
        using var meter = new MeterListener();
        long dispatches = 0;
        meter.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == Diagnostics.DispatchesInstrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meter.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref dispatches, value));
        meter.Start();

        var lane = await ThroughWeighbridgeAsync("29C80002", CargoKind.Electronics, CustomsChannel.Red);
        await Wait.WaitUntil(() => Task.FromResult(_crossing.Hardware.SentTo($"bar-{lane}").Any(c => c.Name == "open")), TimeSpan.FromSeconds(10), "barrier opens");
        await _crossing.UntilLeavingAsync(lane);
        _crossing.Cluster.TimeProvider.Advance(_crossing.Timings.BarrierPass);

        await Wait.WaitUntil(async () => (await TripOf("29C80002")).InspectionBayId == "bay-1", TimeSpan.FromSeconds(10), "in the bay");
        Assert.Equal(LaneStep.Idle, (await _crossing.Lane(lane).Status()).Step);
        Assert.Equal("29C80002", (await _crossing.Gate.Snapshot()).InspectionBays.Single().Plate);

        _crossing.Cluster.TimeProvider.Advance(_crossing.Timings.Inspection + TimeSpan.FromMinutes(1));
        await Wait.WaitUntil(async () => (await TripOf("29C80002")).Events.Any(e => e.Name == "inspection passed"), TimeSpan.FromSeconds(10), "inspection passed");
        Assert.Equal(TruckStatus.Transfer, (await TripOf("29C80002")).Status);
        Assert.Null((await _crossing.Gate.Snapshot()).InspectionBays.Single().Plate);
        Assert.True(Interlocked.Read(ref dispatches) >= 1);
    }

    private sealed class FixedChannels : ICustomsChannels
    {
        public Dictionary<string, CustomsChannel> Channels { get; } = [];

        public ValueTask<CustomsChannel> ChannelOf(string declarationNumber, CargoKind cargo, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Channels.GetValueOrDefault(declarationNumber, CustomsChannel.Green));
    }
}
