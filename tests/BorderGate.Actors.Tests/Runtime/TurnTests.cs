using BorderGate.TestSupport;
using BorderGate.Actors.Testing;
using BorderGate.Actors.Tests.Grains;

namespace BorderGate.Actors.Tests.Runtime;

public sealed class TurnTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task ConcurrentCalls_NonReentrantGrain_RunOneAtATime()
    {
        var grain = fixture.Grains.GetGrain<ITurnProbeGrain>("exclusive");
        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() => grain.Work(5))));

        Assert.Equal(1, results.Max());
        Assert.Equal(1, await grain.MaxInside());
        Assert.Equal(0, await grain.ThreadOverlaps());
    }

    [Fact]
    public async Task PriorityCalls_WaitAheadOfOrdinaryOnes_InOrderAmongThemselves()
    {
        var (grain, holding, release) = PriorityGrain.Busy(fixture.Grains, "mailbox");
        var calls = new List<Task>();
        try
        {
            // Queued while the grain is busy: three ordinary calls, then two priority ones, then one more of each.
            for (var i = 1; i <= 3; i++)
            {
                calls.Add(grain.Ordinary(i));
            }

            calls.Add(grain.Urgent(1));
            calls.Add(grain.Urgent(2));
            calls.Add(grain.Ordinary(4));
            calls.Add(grain.Urgent(3));
        }
        finally
        {
            release.SetResult();
        }

        await holding;
        await Task.WhenAll(calls);
        Assert.Equal(["u1", "u2", "u3", "o1", "o2", "o3", "o4"], await grain.Order());
    }

    [Fact]
    public async Task PriorityCalls_InASteadyStream_LetTheFirstWaitingOrdinaryCallThroughAfterEightOfThem()
    {
        await fixture.Grains.GetGrain<IPriorityGrain>("stream").Order(); // active, so that the hold runs at once
        var (grain, holding, release) = PriorityGrain.Busy(fixture.Grains, "stream");
        var calls = new List<Task>();
        try
        {
            calls.Add(grain.Ordinary(1));
            calls.Add(grain.Ordinary(2));
            for (var i = 1; i <= 20; i++)
            {
                calls.Add(grain.Urgent(i));
            }
        }
        finally
        {
            release.SetResult();
        }

        await holding;
        await Task.WhenAll(calls);
        var order = (await grain.Order()).ToList();
        Assert.Equal(8, order.IndexOf("o1"));
        Assert.Equal(17, order.IndexOf("o2"));
        Assert.Equal([.. Enumerable.Range(1, 20).Select(i => $"u{i}")], order.Where(o => o.StartsWith('u')));
    }

    [Fact]
    public async Task PriorityTimer_DueWhileCallsWait_TicksAheadOfThem()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        PriorityGrain.Held["timer-first"] = release;
        var grain = fixture.Grains.GetGrain<IPriorityGrain>("timer-first");
        var holding = grain.HoldWithTick(TimeSpan.FromMilliseconds(20));
        var waiting = new[] { grain.Ordinary(1), grain.Ordinary(2) };

        // The tick falls due while the grain is busy and two calls wait: it goes ahead of them.
        await Task.Delay(200);
        release.SetResult();
        await holding;
        await Task.WhenAll(waiting);
        await Wait.WaitUntil(async () => (await grain.Order()).Count == 3, TimeSpan.FromSeconds(10), "the tick and both calls ran");
        Assert.Equal(["t", "o1", "o2"], await grain.Order());
    }

    [Fact]
    public async Task PriorityCall_AsTheFirstCallOfANewActivation_WaitsBehindOnlyTheActivation()
    {
        // The first call queues the activation; the priority call goes after it, the ordinary one after that.
        var grain = fixture.Grains.GetGrain<IPriorityGrain>($"fresh-{Guid.NewGuid():N}");
        var calls = Enumerable.Range(1, 20).Select(i => Task.Run(() => i % 2 == 0 ? grain.Urgent(i) : grain.Ordinary(i))).ToList();
        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(20, (await grain.Order()).Count);
    }

    [Fact]
    public async Task ConcurrentCalls_ReentrantGrain_InterleaveButNeverTwoThreads()
    {
        var grain = fixture.Grains.GetGrain<IReentrantProbeGrain>("reentrant");
        await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() => grain.Work(20))));

        Assert.True(await grain.MaxInside() > 1, "reentrant calls should interleave at await points");
        Assert.Equal(0, await grain.ThreadOverlaps());
    }

    [Fact]
    public async Task ReadOnlyCalls_Interleave_WithEachOtherOnly()
    {
        var grain = fixture.Grains.GetGrain<ITurnProbeGrain>("readers");
        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => grain.Read(20))));
        Assert.True(await grain.MaxInside() > 1, "read-only calls should interleave");

        var writers = fixture.Grains.GetGrain<ITurnProbeGrain>("readers-and-writers");
        var maxima = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(() => i % 2 == 0 ? writers.Work(10) : writers.Read(10))));
        Assert.Equal(0, await writers.ThreadOverlaps());

        // A writer never shares the grain: whenever a writer returns, it was alone.
        Assert.All(maxima.Where((_, i) => i % 2 == 0), m => Assert.True(m >= 1));
    }

    [Fact]
    public async Task AlwaysInterleave_WhileGrainIsBusy_AnswersAtOnce()
    {
        var grain = fixture.Grains.GetGrain<ISlowGrain>("busy-but-answers");
        _ = grain.Hang();
        Assert.Equal("pong", await grain.Ping().WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Theory]
    [InlineData("a", new[] { "b", "a" }, "a<b<a")]
    [InlineData("a", new[] { "b", "c", "a" }, "a<c<b<a")]
    [InlineData("a", new[] { "b", "a", "b", "a" }, "a<b<a<b<a")]
    public async Task CallChain_BackIntoWaitingGrain_Completes(string first, string[] path, string expected)
    {
        var prefix = Guid.NewGuid().ToString("N")[..6] + "-";
        var keys = path.Select(k => prefix + k).ToArray();
        var result = await fixture.Grains.GetGrain<IChainGrain>(prefix + first).Visit(keys, 0).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(expected, result.Replace(prefix, "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CallChain_ManyConcurrentChains_AllComplete()
    {
        // 200 chains over 20 pairs of grains, A→B→A and A→B→C→A: chains queue behind each other at A, and
        // each one's call back into A is admitted because A's running turn is on that chain.
        var chains = Enumerable.Range(0, 200).Select(i =>
        {
            var pair = $"pair-{i % 20}";
            string[] path = i % 2 == 0 ? [$"{pair}-b", $"{pair}-a"] : [$"{pair}-b", $"{pair}-c", $"{pair}-a"];
            return fixture.Grains.GetGrain<IChainGrain>($"{pair}-a").Visit(path, 0);
        });
        var results = await Task.WhenAll(chains).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(200, results.Length);
    }
}

public sealed class DeadlineTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(b => b.UseFakeTime());

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Call_NeverCompletes_FailsWithTimeoutAfterDefaultDeadline()
    {
        var grain = _cluster.GrainFactory.GetGrain<ISlowGrain>("hangs");
        var call = grain.Hang();

        _cluster.TimeProvider.Advance(TimeSpan.FromSeconds(29));
        await Task.Yield();
        Assert.False(call.IsCompleted);

        _cluster.TimeProvider.Advance(TimeSpan.FromSeconds(2));
        var error = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => call.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("ISlowGrain/Hang", error.Message, StringComparison.Ordinal);
        Assert.Contains("00:00:30", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_QueuedBehindHungCall_AlsoTimesOut()
    {
        var grain = _cluster.GrainFactory.GetGrain<ISlowGrain>("queue-behind");
        _ = grain.Hang();
        var queued = grain.Hang();
        _cluster.TimeProvider.Advance(TimeSpan.FromSeconds(31));
        await Assert.ThrowsAsync<GrainCallTimeoutException>(() => queued.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task OneWayCalls_SentFromOneTurn_RunOneAtATime()
    {
        // The sender waits for none of them, so they are on no call chain of its: they must not interleave with each other
        // at the target as calls back along a chain would (they did; two writes of one state raced).
        await _cluster.GrainFactory.GetGrain<IOneWaySenderGrain>("sender").Send("one-way-target", 5, 20);
        var target = _cluster.GrainFactory.GetGrain<ITurnProbeGrain>("one-way-target");
        await Wait.WaitUntil(async () => await target.OneWayDone() == 5, TimeSpan.FromSeconds(10), "the one-way calls ran");
        Assert.Equal(1, await target.MaxInside());
        Assert.Equal(0, await target.ThreadOverlaps());
    }

    [Fact]
    public async Task CallsSideBySide_FromOneTurn_ToOneGrain_RunOneAtATime()
    {
        // Not a call back along a chain (the target does not wait for the caller): they queue like any other calls (they
        // interleaved, and a booking window's state writes raced).
        var results = await _cluster.GrainFactory.GetGrain<IOneWaySenderGrain>("side-by-side").CallSideBySide("side-by-side-target", 6, 20);
        Assert.Equal(1, results.Max());
        var target = _cluster.GrainFactory.GetGrain<ITurnProbeGrain>("side-by-side-target");
        Assert.Equal(1, await target.MaxInside());
        Assert.Equal(0, await target.ThreadOverlaps());
    }

    [Fact]
    public async Task OneWayCall_QueuedLongerThanTheDeadline_StillRuns()
    {
        var (grain, holding, release) = PriorityGrain.Busy(_cluster.GrainFactory, "one-way-waits");
        await grain.Note(1);

        // Nobody waits for a one-way call's answer: a busy grain gets to it late, not never.
        _cluster.TimeProvider.Advance(TimeSpan.FromMinutes(5));
        release.SetResult();
        await Assert.ThrowsAsync<GrainCallTimeoutException>(() => holding.WaitAsync(TimeSpan.FromSeconds(5)));
        await Wait.WaitUntil(async () => (await grain.Order()).Contains("n1"), TimeSpan.FromSeconds(10), "the one-way call ran");
    }

    [Fact]
    public async Task ResponseTimeoutAttribute_ShorterDeadline_Applies()
    {
        var call = _cluster.GrainFactory.GetGrain<ISlowGrain>("brief").HangBriefly();
        _cluster.TimeProvider.Advance(TimeSpan.FromSeconds(3));
        var error = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => call.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("00:00:02", error.Message, StringComparison.Ordinal);
    }
}
