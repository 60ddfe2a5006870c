using BorderGate.Contracts.Crossing;
using BorderGate.Actors.Streams;
using BorderGate.Contracts.Trips;
using BorderGate.TestSupport;

namespace BorderGate.Grains.Tests.Trucks;

public sealed class TruckGrainTests : IAsyncLifetime
{
    private readonly CrossingFixture _crossing = new();

    public Task InitializeAsync() => _crossing.InitializeAsync();

    public Task DisposeAsync() => _crossing.DisposeAsync();

    private static TripRegistration Trip(string id) =>
        new(id, "c-1", "29C12345", "CSQU3054383", CargoKind.Garments, TripDirection.Export, "100000000001", 20_000, null);

    [Fact]
    public async Task Lifecycle_EveryTransitionTimestamped_WaitAndTurnTimesExact()
    {
        var truck = _crossing.Truck("29C12345");
        var window = new ArrivalWindow(_crossing.Now, _crossing.Now.AddMinutes(30));
        await truck.Register(TestSites.CrossingId, Trip("t1"), window);

        _crossing.Cluster.TimeProvider.Advance(TimeSpan.FromMinutes(5));
        await truck.Advance(new TripTransition(TruckStatus.Waiting, "arrived"));
        _crossing.Cluster.TimeProvider.Advance(TimeSpan.FromMinutes(12));
        await truck.Advance(new TripTransition(TruckStatus.Called, "called", LaneId: "lane-1"));
        _crossing.Cluster.TimeProvider.Advance(TimeSpan.FromMinutes(3));
        await truck.Advance(new TripTransition(TruckStatus.InLane, "plate read"));
        await truck.Advance(new TripTransition(TruckStatus.Transfer, "left lane"));
        _crossing.Cluster.TimeProvider.Advance(TimeSpan.FromMinutes(20));
        var done = await truck.Advance(new TripTransition(TruckStatus.Completed, "completed"));

        Assert.Equal(TimeSpan.FromMinutes(12), done.WaitingTime);
        Assert.Equal(TimeSpan.FromMinutes(35), done.TurnTime);
        Assert.Equal(["booked", "arrived", "called", "plate read", "left lane", "completed"], done.Events.Select(e => e.Name));
        Assert.True(done.Events.Zip(done.Events.Skip(1)).All(p => p.First.At <= p.Second.At));
        Assert.Equal("lane-1", done.LaneId);
    }

    [Fact]
    public async Task EveryStep_IsPublishedOnTheCrossingFeed_InOrder_AndARefusedStepIsNot()
    {
        var seen = new List<StreamEvent<CrossingEvent>>();
        var stream = _crossing.Cluster.Runtime.GetStreamProvider(CrossingEvent.StreamProvider).GetStream<CrossingEvent>(CrossingEvent.StreamFor(TestSites.CrossingId));
        await using var subscription = await stream.SubscribeAsync((e, _) =>
        {
            lock (seen)
            {
                seen.Add(e);
            }

            return Task.CompletedTask;
        });
        var truck = _crossing.Truck("29C33333");
        await truck.Register(TestSites.CrossingId, Trip("t5"), new ArrivalWindow(_crossing.Now, _crossing.Now.AddMinutes(30)));
        await truck.Advance(new TripTransition(TruckStatus.Waiting, "arrived"));
        await Assert.ThrowsAsync<InvalidTripTransitionException>(() => truck.Advance(new TripTransition(TruckStatus.Completed, "completed")));
        await truck.Advance(new TripTransition(TruckStatus.Called, "called", "go to lane-2", LaneId: "lane-2"));

        await Wait.WaitUntil(() => { lock (seen) { return seen.Count == 3; } }, TimeSpan.FromSeconds(10), "three steps reach the feed");
        List<StreamEvent<CrossingEvent>> events;
        lock (seen)
        {
            events = [.. seen];
        }

        Assert.Equal(events.Select(e => e.Sequence).Order(), events.Select(e => e.Sequence));
        var moves = events.Select(e => Assert.IsType<TruckMoved>(e.Item)).ToList();
        Assert.Equal(["booked", "arrived", "called"], moves.Select(m => m.Event));
        Assert.All(moves, m => Assert.Equal(("29C33333", "t5", TestSites.CrossingId), (m.Plate, m.TripId, m.CrossingId)));
        Assert.Equal((TruckStatus.Called, "lane-2", "go to lane-2"), (moves[2].Status, moves[2].LaneId, moves[2].Detail));
    }

    [Fact]
    public async Task SeveralStepsAtOnce_AllOrNone_EachPublishedInOrderWithItsOwnStatus()
    {
        var seen = new List<TruckMoved>();
        var stream = _crossing.Cluster.Runtime.GetStreamProvider(CrossingEvent.StreamProvider).GetStream<CrossingEvent>(CrossingEvent.StreamFor(TestSites.CrossingId));
        await using var subscription = await stream.SubscribeAsync((e, _) =>
        {
            lock (seen)
            {
                seen.Add((TruckMoved)e.Item);
            }

            return Task.CompletedTask;
        });
        var truck = _crossing.Truck("29C44444");
        await truck.Register(TestSites.CrossingId, Trip("t6"), new ArrivalWindow(_crossing.Now, _crossing.Now.AddMinutes(30)));

        // An illegal step after legal ones: none is taken.
        await Assert.ThrowsAsync<InvalidTripTransitionException>(() => truck.AdvanceAll(
            [new TripTransition(TruckStatus.Waiting, "arrived"), new TripTransition(TruckStatus.Completed, "completed")]));
        Assert.Equal(TruckStatus.Booked, (await truck.Current())!.Status);

        var view = await truck.AdvanceAll(
        [
            new TripTransition(TruckStatus.Waiting, "arrived"),
            new TripTransition(TruckStatus.Called, "called", LaneId: "lane-1"),
            new TripTransition(TruckStatus.InLane, "plate read"),
        ]);
        Assert.Equal(["booked", "arrived", "called", "plate read"], view.Events.Select(e => e.Name));
        Assert.Equal((TruckStatus.InLane, "lane-1"), (view.Status, view.LaneId));

        await Wait.WaitUntil(() => { lock (seen) { return seen.Count == 4; } }, TimeSpan.FromSeconds(10), "four steps reach the feed");
        lock (seen)
        {
            Assert.Equal(["booked", "arrived", "called", "plate read"], seen.Select(m => m.Event));
            Assert.Equal([TruckStatus.Booked, TruckStatus.Waiting, TruckStatus.Called, TruckStatus.InLane], seen.Select(m => m.Status));
        }

        // Stored in one write, all of them.
        await _crossing.Cluster.RestartAsync();
        Assert.Equal(["booked", "arrived", "called", "plate read"], (await _crossing.Truck("29C44444").Current())!.Events.Select(e => e.Name));
    }

    [Fact]
    public async Task StepsInQuickSuccession_OfManyTrucksAtOnce_ReachTheFeedInEachTrucksOrder()
    {
        var seen = new List<TruckMoved>();
        var stream = _crossing.Cluster.Runtime.GetStreamProvider(CrossingEvent.StreamProvider).GetStream<CrossingEvent>(CrossingEvent.StreamFor(TestSites.CrossingId));
        await using var subscription = await stream.SubscribeAsync((e, _) =>
        {
            lock (seen)
            {
                seen.Add(Assert.IsType<TruckMoved>(e.Item));
            }

            return Task.CompletedTask;
        });

        // The truck answers once a step is stored; its feed events follow, in order, without the caller waiting for them.
        string[] steps = ["arrived", "called", "plate read", "weighed", "customs channel", "barrier opened", "left lane"];
        var plates = Enumerable.Range(0, 8).Select(i => $"29C4{i:0000}").ToList();
        await Task.WhenAll(plates.Select(async plate =>
        {
            var truck = _crossing.Truck(plate);
            await truck.Register(TestSites.CrossingId, Trip($"t-{plate}"), new ArrivalWindow(_crossing.Now, _crossing.Now.AddMinutes(30)));
            await truck.Advance(new TripTransition(TruckStatus.Waiting, steps[0]));
            await truck.Advance(new TripTransition(TruckStatus.Called, steps[1], LaneId: "lane-1"));
            foreach (var step in steps[2..^1])
            {
                await truck.Advance(new TripTransition(TruckStatus.InLane, step));
            }

            await truck.Advance(new TripTransition(TruckStatus.Transfer, steps[^1]));
        }));

        await Wait.WaitUntil(() => { lock (seen) { return seen.Count == plates.Count * (steps.Length + 1); } }, TimeSpan.FromSeconds(10), "every step reaches the feed");
        lock (seen)
        {
            foreach (var plate in plates)
            {
                Assert.Equal(["booked", .. steps], seen.Where(m => m.Plate == plate).Select(m => m.Event));
            }
        }
    }

    [Fact]
    public async Task IllegalTransition_IsRefused_AndChangesNothing()
    {
        var truck = _crossing.Truck("29C22222");
        await truck.Register(TestSites.CrossingId, Trip("t2"), new ArrivalWindow(_crossing.Now, _crossing.Now.AddMinutes(30)));

        var error = await Assert.ThrowsAsync<InvalidTripTransitionException>(() => truck.Advance(new TripTransition(TruckStatus.Completed, "completed")));
        Assert.Contains("Booked", error.Message, StringComparison.Ordinal);
        Assert.Equal(TruckStatus.Booked, (await truck.Current())!.Status);
        Assert.Single((await truck.Current())!.Events);
    }

    [Fact]
    public async Task SecondTripWhileOneIsUnderWay_IsRefused_SameTripIsIdempotent()
    {
        var truck = _crossing.Truck("29C33333");
        var window = new ArrivalWindow(_crossing.Now, _crossing.Now.AddMinutes(30));
        await truck.Register(TestSites.CrossingId, Trip("t3"), window);
        await truck.Register(TestSites.CrossingId, Trip("t3"), window);

        await Assert.ThrowsAsync<InvalidTripTransitionException>(() => truck.Register(TestSites.CrossingId, Trip("t4"), window));
    }

    [Fact]
    public async Task CompletedTrips_GoToHistory_AcrossRestart()
    {
        var truck = _crossing.Truck("29C44444");
        for (var i = 0; i < 3; i++)
        {
            await truck.Register(TestSites.CrossingId, Trip($"h{i}"), new ArrivalWindow(_crossing.Now, _crossing.Now.AddMinutes(30)));
            await truck.Advance(new TripTransition(TruckStatus.NoShow, "no-show"));
        }

        await _crossing.Cluster.RestartAsync();
        var view = await _crossing.Truck("29C44444").Get();
        Assert.Equal(["h1", "h0"], view.History.Select(h => h.Trip.TripId));
        Assert.Equal("h2", view.Current!.Trip.TripId);
    }

    [Fact]
    public async Task NoTrip_AdvanceFailsClearly()
    {
        var error = await Assert.ThrowsAsync<InvalidTripTransitionException>(() => _crossing.Truck("UNKNOWN1").Advance(new TripTransition(TruckStatus.Waiting, "arrived")));
        Assert.Contains("has no trip", error.Message, StringComparison.Ordinal);
    }
}
