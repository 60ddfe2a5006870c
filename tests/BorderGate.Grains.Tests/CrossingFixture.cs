using BorderGate.Actors.Memory;
using BorderGate.Actors.Storage;
using BorderGate.Actors.Streams;
using BorderGate.Actors.Testing;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using BorderGate.Contracts.Trips;
using BorderGate.Grains.Customs;
using BorderGate.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Grains.Tests;

/// <summary>A test cluster with the crossing's grains on a small layout and a hand-driven clock.</summary>
public sealed class CrossingFixture : IAsyncLifetime
{
    private readonly SiteLayout _layout;
    private readonly ICustomsChannels _customs;
    private readonly OutageStorage? _storage;

    public CrossingFixture()
        : this(TestSites.Small(new DispatchPolicy { DeviceStaleAfter = TimeSpan.FromDays(1) }), new SimulatedCustomsChannels(yellowShare: 0, redShare: 0))
    {
    }

    internal CrossingFixture(SiteLayout layout, ICustomsChannels customs, OutageStorage? storage = null)
    {
        _layout = layout;
        _customs = customs;
        _storage = storage;
    }

    /// <summary>The small layout and customs of the default fixture, on <paramref name="storage"/>.</summary>
    internal CrossingFixture(OutageStorage storage)
        : this(TestSites.Small(new DispatchPolicy { DeviceStaleAfter = TimeSpan.FromDays(1) }), new SimulatedCustomsChannels(yellowShare: 0, redShare: 0), storage)
    {
    }

    public TestCluster Cluster { get; private set; } = null!;

    /// <summary>The layout's checkpoint timings; a test that needs others builds its layout <c>with { Timings = ... }</c>.</summary>
    public CheckpointTimings Timings => _layout.Timings;

    /// <summary>The crossing's hardware: acknowledges every command at once, records them, can be told to fail.</summary>
    public FakeHardware Hardware { get; } = new();

    public IGateGrain Gate => Cluster.GrainFactory.GetGrain<IGateGrain>(_layout.CrossingId);

    public IBookingLedgerGrain Ledger => Cluster.GrainFactory.GetGrain<IBookingLedgerGrain>(_layout.CrossingId);

    public ILaneGrain Lane(string laneId) => Cluster.GrainFactory.GetGrain<ILaneGrain>(CrossingIds.Lane(_layout.CrossingId, laneId));

    public ITruckGrain Truck(string plate) => Cluster.GrainFactory.GetGrain<ITruckGrain>(plate);

    public DateTimeOffset Now => Cluster.TimeProvider.GetUtcNow();

    /// <summary>
    /// Waits until the lane has its truck leaving (barrier open and acknowledged, its leaving time counted from now),
    /// so that a test may move the clock past the barrier pass; moving it earlier would count from before the barrier.
    /// </summary>
    public Task UntilLeavingAsync(string laneId) =>
        BorderGate.TestSupport.Wait.WaitUntil(async () => (await Lane(laneId).Status()).Step == LaneStep.Leaving, TimeSpan.FromSeconds(10), $"{laneId}: truck leaving");

    public async Task InitializeAsync()
    {
        Cluster = await TestCluster.StartAsync(b =>
        {
            b.UseFakeTime(new DateTimeOffset(2026, 1, 20, 6, 0, 0, TimeSpan.Zero))
                .ConfigureServices(s => s
                    .AddSingleton(_customs)
                    .AddSingleton<IDeviceLink>(Hardware)
                    .AddCrossing([_layout]));
            if (_storage is not null)
            {
                // The in-memory providers, with the test's grain storage registered after (and so in place of) theirs.
                b.ConfigureStorage(s => s
                    .AddMemoryActorProviders()
                    .AddKeyedSingleton<IGrainStorage>(ProviderNames.Default, _storage));
            }
        });

        // As the silo does at start (CrossingClocks): the gate is awake and its clock (no-shows, inspections) runs.
        await WakeGateAsync();
    }

    /// <summary>Activates the gate (and through it the booking ledger), as the silo does at start.</summary>
    public Task WakeGateAsync() => Gate.Kpis();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>
    /// Collects the crossing feed's events of type <typeparamref name="T"/> from now on, into <c>Seen</c> (lock it to read
    /// while the feed runs); the subscription ends when disposed.
    /// </summary>
    public async Task<(List<T> Seen, StreamSubscriptionHandle Subscription)> CollectFeedAsync<T>()
        where T : CrossingEvent
    {
        var seen = new List<T>();
        var feed = Cluster.Runtime.GetStreamProvider(CrossingEvent.StreamProvider).GetStream<CrossingEvent>(CrossingEvent.StreamFor(_layout.CrossingId));
        var subscription = await feed.SubscribeAsync((e, _) =>
        {
            if (e.Item is T item)
            {
                lock (seen)
                {
                    seen.Add(item);
                }
            }

            return Task.CompletedTask;
        });
        return (seen, subscription);
    }

    /// <summary>Declares and books a trip the way the HTTP API does after validation.</summary>
    public async Task<TripRegistration> BookAsync(string plate, CargoKind cargo = CargoKind.Garments, TripDirection direction = TripDirection.Export, DateTimeOffset? desired = null, string container = "CSQU3054383")
    {
        var trip = new TripRegistration($"trip-{plate}-{Guid.NewGuid():N}", "company-1", plate, container, cargo, direction, "100000000001", 20_000, desired ?? Now);
        var window = await Ledger.Book(trip);
        await Truck(plate).Register(TestSites.CrossingId, trip, window);
        return trip;
    }

    /// <summary>An export truck past its lane, as the lane leaves it: in transfer, with its container.</summary>
    public async Task InTransferAsync(string plate, string container = "CSQU3054383")
    {
        await BookAsync(plate, CargoKind.Electronics, container: container);
        foreach (var (status, name) in new[]
        {
            (TruckStatus.Waiting, TripEventNames.Arrived),
            (TruckStatus.Called, TripEventNames.Called),
            (TruckStatus.InLane, TripEventNames.PlateRead),
            (TruckStatus.Transfer, TripEventNames.LeftLane),
        })
        {
            await Truck(plate).Advance(new TripTransition(status, name));
        }
    }
}
