using System.Diagnostics;
using BorderGate.ClusterTestHost;
using BorderGate.TestSupport;
using Xunit.Abstractions;

namespace BorderGate.Actors.Cluster.Tests;

/// <summary>Three silos in one process on real PostgreSQL and real sockets: calls route across silos, one activation per grain.</summary>
public sealed class ClusterRuntimeTests(ITestOutputHelper output) : ThreeSiloTests("cluster")
{
    [Fact]
    public async Task FirstCall_ActivatesOnTheCallersSilo_AndCallsFromTheOthersGoThere()
    {
        var first = await Silos[1].Grains.GetGrain<IVisitGrain>("lane-1").Visit("b");
        var second = await Silos[0].Grains.GetGrain<IVisitGrain>("lane-1").Visit("a");
        var third = await Silos[2].Grains.GetGrain<IVisitGrain>("lane-1").Visit("c");

        Assert.Equal(Silos[1].Name, first.Silo);
        Assert.Equal(new VisitAnswer(Silos[1].Name, 2, "lane-1"), second);
        Assert.Equal(new VisitAnswer(Silos[1].Name, 3, "lane-1"), third);
        Assert.Equal(1, Log.Activations);
    }

    /// <summary>1,000 grains first called from all three silos at once: one activation each, and every caller reached it.</summary>
    [Fact]
    public async Task ThousandGrains_FirstCalledFromAllThreeSilosAtOnce_OneActivationEach()
    {
        var keys = Enumerable.Range(0, 1000).Select(i => $"truck-{i:D4}").ToList();

        // Each grain raced by its three first calls at once, started in a random order so that no silo is always first.
        var answers = Silos.Select(_ => new VisitAnswer[keys.Count]).ToArray();
        var order = new Random(7);
        await Parallel.ForEachAsync(Enumerable.Range(0, keys.Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            int[] silos;
            lock (order)
            {
                silos = [.. Enumerable.Range(0, 3).OrderBy(_ => order.Next())];
            }

            await Task.WhenAll(silos.Select(async s => answers[s][i] = await Silos[s].Grains.GetGrain<IVisitGrain>(keys[i]).Visit(Silos[s].Name)));
        });

        Assert.Empty(Log.Violations);
        Assert.Equal(keys.Count, Log.Activations);
        for (var i = 0; i < keys.Count; i++)
        {
            Assert.Single(answers.Select(a => a[i].Silo).Distinct());
            Assert.Equal([1, 2, 3], answers.Select(a => a[i].Visits).Order());
        }

        // The races were real: the grains were placed on more than one silo.
        Assert.True(answers[0].Select(a => a.Silo).Distinct().Count() >= 2);
    }

    /// <summary>Outgoing call filters run once, on the caller's silo, for a call that goes to another silo (not again where it lands).</summary>
    [Fact]
    public async Task OutgoingFilters_RunOnTheCallersSilo_ForRemoteCalls()
    {
        await Silos[1].Grains.GetGrain<IVisitGrain>("filtered").Visit("b");
        Silos.ForEach(s => s.Outgoing.Seen.Clear());

        var answer = await Silos[0].Grains.GetGrain<IVisitGrain>("filtered").Visit("a");

        Assert.Equal(Silos[1].Name, answer.Silo);
        Assert.Equal(["visit/filtered Visit"], Silos[0].Outgoing.Seen);
        Assert.Empty(Silos[1].Outgoing.Seen);
        Assert.Empty(Silos[2].Outgoing.Seen);
    }

    [Fact]
    public async Task RemoteFailure_ReachesTheCaller_AsItsOwnExceptionType()
    {
        await Silos[0].Grains.GetGrain<IVisitGrain>("failing").Visit("a");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Silos[2].Grains.GetGrain<IVisitGrain>("failing").Fail("weighbridge reading out of range"));

        Assert.Equal("weighbridge reading out of range", error.Message);
    }

    [Fact]
    public async Task OneWayCall_AndGrainToGrainCall_CrossSilos()
    {
        await Silos[0].Grains.GetGrain<IVisitGrain>("on-a").Visit("a");
        await Silos[1].Grains.GetGrain<IVisitGrain>("on-b").Visit("b");

        await Silos[2].Grains.GetGrain<IVisitGrain>("on-a").Note("from c");
        var visited = await Silos[2].Grains.GetGrain<IVisitGrain>("on-a").VisitOther("on-b");

        Assert.Equal(new VisitAnswer(Silos[1].Name, 2, "on-b"), visited);
        await Wait.WaitUntil(async () => (await Silos[1].Grains.GetGrain<IVisitGrain>("on-a").Notes()).Contains("from c"), TimeSpan.FromSeconds(5), "the one-way note arrived");
    }

    /// <summary>
    /// Grain calls on the silo port that the silo cannot read — an unknown method, arguments that are not the method's, a
    /// call naming no grain — are refused with a clear error, nothing is activated, and the silo serves the next call.
    /// </summary>
    [Theory]
    [InlineData("visit", "lane-9", "Nobody.IVisitGrain.Visit(string)", "[\"a\"]", "No grain method with the signature")]
    [InlineData("visit", "lane-9", "BorderGate.ClusterTestHost.IVisitGrain.Visit(System.String)", "{\"from\":1}", "Expected StartArray")]
    [InlineData("visit", "lane-9", "BorderGate.ClusterTestHost.IVisitGrain.Visit(System.String)", "[\"a\",\"b\"]", "more than the 1 arguments it takes")]
    [InlineData("visit", "lane-9", "BorderGate.ClusterTestHost.IVisitGrain.Visit(System.String)", "[\"a\"] 7", "cannot be read")]
    [InlineData("visit", "lane-9", "BorderGate.ClusterTestHost.IVisitGrain.Visit(System.String)", "[", "cannot be read")]
    [InlineData("", "", "BorderGate.ClusterTestHost.IVisitGrain.Visit(System.String)", "[\"a\"]", "must name its grain's type and key")]
    public async Task UnreadableCallOnTheSiloPort_IsRefusedClearly_AndTheSiloServesOn(string type, string key, string method, string payload, string expected)
    {
        await using var stranger = ClusterTestSilo.Stranger();

        var answer = await stranger.SendRequestAsync(Silos[0].Runtime.Cluster!.Self, Networking.Frame.Request(type, key, method, System.Text.Encoding.UTF8.GetBytes(payload)));

        Assert.Equal(Networking.FrameKind.Error, answer.Kind);
        Assert.Equal(Networking.TransportErrorCode.HandlerFailed, answer.ErrorCode);
        Assert.Contains(expected, answer.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(0, Log.Activations);
        Assert.Equal(1, (await Silos[1].Grains.GetGrain<IVisitGrain>("lane-9").Visit("b")).Visits);
    }

    /// <summary>A silo killed: its grains answer again from a survivor, with their acknowledged state, within 5 s.</summary>
    [Fact]
    public async Task KilledSilo_ItsGrainsAnswerFromASurvivor_WithTheirState_WithinFiveSeconds()
    {
        var keys = Enumerable.Range(0, 50).Select(i => $"crane-{i}").ToList();
        foreach (var key in keys)
        {
            await Silos[0].Grains.GetGrain<IVisitGrain>(key).Visit("a");
            await Silos[1].Grains.GetGrain<IVisitGrain>(key).Visit("b");
        }

        var killed = Stopwatch.StartNew();
        await Silos[0].CrashAsync(Log);
        var answers = await Task.WhenAll(keys.Select(k => Silos[2].Grains.GetGrain<IVisitGrain>(k).Visit("c")));
        var allAnswered = killed.Elapsed;

        output.WriteLine($"every grain of the killed silo answered {allAnswered.TotalSeconds:F2} s after the kill");
        Assert.All(answers, a => Assert.Equal(3, a.Visits));
        Assert.All(answers, a => Assert.NotEqual(Silos[0].Name, a.Silo));
        Assert.True(allAnswered < TimeSpan.FromSeconds(5), $"answered after {allAnswered}");
        Assert.Empty(Log.Violations);
    }

    /// <summary>A silo stopped in order hands its grains over at once: the next call activates them elsewhere, no wait.</summary>
    [Fact]
    public async Task SiloStoppedInOrder_ItsGrainsMoveAtOnce()
    {
        await Silos[0].Grains.GetGrain<IVisitGrain>("gate").Visit("a");

        await Silos[0].StopAsync();
        var stopped = Stopwatch.StartNew();
        var answer = await Silos[1].Grains.GetGrain<IVisitGrain>("gate").Visit("b");

        Assert.Equal(new VisitAnswer(Silos[1].Name, 2, "gate"), answer);
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(1), $"moved after {stopped.Elapsed}");
        Assert.Empty(Log.Violations);
    }
}
