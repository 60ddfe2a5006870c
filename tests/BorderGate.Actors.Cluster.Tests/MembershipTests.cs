using System.Diagnostics;
using BorderGate.Actors.Membership;
using BorderGate.TestSupport;

namespace BorderGate.Actors.Cluster.Tests;

/// <summary>The membership protocol on real PostgreSQL and real sockets: joining, probes and votes, leases and fencing.</summary>
public sealed class MembershipTests : IAsyncLifetime
{
    private readonly List<MembershipSilo> _silos = [];
    private PostgresTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync("membership");

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    private async Task<MembershipSilo> StartAsync(
        MembershipOptions? options = null, Func<ISiloProber, ISiloProber>? probes = null, string? connectionString = null, int port = 0, Func<TimeSpan>? selfLag = null)
    {
        var silo = await MembershipSilo.StartAsync(connectionString ?? _database.ConnectionString, options, probes, port, selfLag: selfLag);
        _silos.Add(silo);
        return silo;
    }

    private static async Task<SiloEntry?> RowAsync(MembershipSilo reader, string silo) =>
        (await reader.Table.ReadAllAsync(MembershipSilo.ClusterId, CancellationToken.None)).Silos.SingleOrDefault(s => s.Silo == silo);

    [Fact]
    public async Task ThreeSilos_Join_EachSeesAllActive_AndEachIsWatchedByTheOthers()
    {
        var silos = new[] { await StartAsync(), await StartAsync(), await StartAsync() };

        foreach (var silo in silos)
        {
            await Wait.WaitUntil(() => silo.Agent.ActiveSilos().Count == 3, TimeSpan.FromSeconds(10), $"{silo.Name} sees three silos");
        }

        // Two watched each, on a ring of three: every silo is watched by both others.
        var watchers = silos.SelectMany(s => s.Agent.Watched(s.Agent.View!).Select(w => (Watcher: s.Name, w.Silo))).ToList();
        foreach (var silo in silos)
        {
            Assert.Equal(2, watchers.Count(w => w.Silo == silo.Name));
        }
    }

    /// <summary>A killed silo stops answering probes; the others vote it dead, with the default timings, well within 5 s.</summary>
    [Fact]
    public async Task KilledSilo_IsVotedDeadByTheOthers_WithinFiveSeconds()
    {
        var survivors = new[] { await StartAsync(), await StartAsync() };
        var victim = await StartAsync();
        await Wait.WaitUntil(() => survivors.All(s => s.Agent.ActiveSilos().Count == 3), TimeSpan.FromSeconds(10), "all see three");

        var killed = Stopwatch.StartNew();
        await victim.KillAsync();
        await Wait.WaitUntil(async () => (await RowAsync(survivors[0], victim.Name))?.Status == SiloStatus.Dead, TimeSpan.FromSeconds(5), "the killed silo declared dead");
        var declared = killed.Elapsed;

        var row = (await RowAsync(survivors[0], victim.Name))!;
        Assert.Equal(2, row.Suspicions.Count);
        Assert.Equal(survivors.Select(s => s.Name).Order(), row.Suspicions.Select(v => v.Voter).Order());
        Assert.True(declared < TimeSpan.FromSeconds(5), $"declared dead after {declared}");
        await Wait.WaitUntil(() => survivors.All(s => s.Agent.ActiveSilos().Count == 2), TimeSpan.FromSeconds(5), "the survivors see two");
        Assert.All(survivors, s => Assert.False(s.Agent.IsFenced));
    }

    /// <summary>One silo cannot reach another (a link down) but a third can: an indirect probe says it lives, no vote.</summary>
    [Fact]
    public async Task SiloUnreachableFromOneOnly_IsReachedThroughAnother_AndNotVotedDead()
    {
        var target = await StartAsync();
        var third = await StartAsync();
        var cutOff = await StartAsync(probes: real => new LinkDownProber(real, silo => silo == target.Transport.LocalAddress));
        await Wait.WaitUntil(() => cutOff.Agent.ActiveSilos().Count == 3, TimeSpan.FromSeconds(10), "all see three");

        // Long enough for many rounds of missed direct probes (0.5 s apart, two to suspect).
        await Task.Delay(TimeSpan.FromSeconds(3));

        var row = (await RowAsync(third, target.Name))!;
        Assert.Equal(SiloStatus.Active, row.Status);
        Assert.Empty(row.Suspicions);
        Assert.False(target.Agent.IsFenced);
    }

    /// <summary>
    /// A silo that runs late itself (an overload backlogs its thread pool) misses its probes' answers, but holds none of the
    /// misses against the silo it watches while it runs late: no vote, the other stays active. Once it runs on time again,
    /// missed probes count as before and a silo that really stopped answering is voted dead.
    /// </summary>
    [Fact]
    public async Task SiloRunningLateItself_VotesNobodyDead_UntilItRunsOnTimeAgain()
    {
        var lagMs = 1000L;
        var target = await StartAsync();
        var late = await StartAsync(
            probes: real => new LinkDownProber(real, silo => silo == target.Transport.LocalAddress),
            selfLag: () => TimeSpan.FromMilliseconds(Interlocked.Read(ref lagMs)));
        await Wait.WaitUntil(() => late.Agent.ActiveSilos().Count == 2, TimeSpan.FromSeconds(10), "both see two");

        // Two silos: no third to probe through, so each pair of missed probes would be a vote, and one vote is enough.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var row = (await RowAsync(late, target.Name))!;
        Assert.Equal(SiloStatus.Active, row.Status);
        Assert.Empty(row.Suspicions);

        Interlocked.Exchange(ref lagMs, 5);
        await Wait.WaitUntil(async () => (await RowAsync(late, target.Name))?.Status == SiloStatus.Dead, TimeSpan.FromSeconds(5), "voted dead once the voter runs on time");
        Assert.Equal([late.Name], (await RowAsync(late, target.Name))!.Suspicions.Select(v => v.Voter));
    }

    /// <summary>
    /// A silo cut off from PostgreSQL (a real proxy dropped) stops serving within its lease; the others declare it dead by
    /// its lease on the table's clock; when PostgreSQL is back, the silo restarted on its address as a new generation joins
    /// and the cluster is whole again with no one touching the table.
    /// </summary>
    [Fact]
    public async Task SiloCutOffFromTheTable_FencesWithinItsLease_IsDeclaredDead_AndRejoinsOnceTheTableIsBack()
    {
        var (host, port) = _database.Endpoint;
        await using var proxy = TcpFaultProxy.Start(host, port);
        var options = MembershipSilo.ShortLease();
        var other = await StartAsync(options);
        var cutOff = await StartAsync(options, connectionString: _database.ConnectionStringVia("127.0.0.1", proxy.Port) + ";Timeout=2;Command Timeout=2");
        await Wait.WaitUntil(() => other.Agent.ActiveSilos().Count == 2, TimeSpan.FromSeconds(10), "both see two");

        var cut = Stopwatch.StartNew();
        proxy.Cut();
        var reason = await cutOff.Agent.Fenced.WaitAsync(TimeSpan.FromSeconds(10));
        var fencedAfter = cut.Elapsed;
        Assert.Contains("lease", reason, StringComparison.Ordinal);
        Assert.True(fencedAfter <= options.LeaseDuration + options.LeaseRenewal, $"fenced after {fencedAfter}");

        await Wait.WaitUntil(async () => (await RowAsync(other, cutOff.Name))?.Status == SiloStatus.Dead, TimeSpan.FromSeconds(10), "the cut-off silo declared dead");
        Assert.False(other.Agent.IsFenced);

        // Back: the process restarts on its address as a new incarnation (its supervisor's job) and joins.
        proxy.Restore();
        var endpointPort = cutOff.Transport.LocalAddress.Endpoint.Port;
        await cutOff.KillAsync();
        var again = await StartAsync(options, connectionString: _database.ConnectionStringVia("127.0.0.1", proxy.Port), port: endpointPort);
        await Wait.WaitUntil(() => other.Agent.ActiveSilos().Count == 2 && again.Agent.ActiveSilos().Count == 2, TimeSpan.FromSeconds(10), "whole again");
        Assert.Equal(SiloStatus.Dead, (await RowAsync(other, cutOff.Name))!.Status);
    }

    /// <summary>A silo that finds itself declared dead (here by another, through the table) stops serving at its next read.</summary>
    [Fact]
    public async Task SiloDeclaredDead_WhileAlive_FencesItself()
    {
        var options = MembershipSilo.ShortLease();
        var judge = await StartAsync(options);
        var victim = await StartAsync(options);
        var view = await judge.Table.ReadAllAsync(MembershipSilo.ClusterId, CancellationToken.None);
        var row = view.Silos.Single(s => s.Silo == victim.Name);
        Assert.True(await judge.Table.TryUpdateAsync(MembershipSilo.ClusterId, row with { Status = SiloStatus.Dead }, view.Version, CancellationToken.None));

        var reason = await victim.Agent.Fenced.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Contains("dead", reason, StringComparison.Ordinal);
        Assert.False(judge.Agent.IsFenced);
    }

    /// <summary>
    /// Two silos cut off from each other vote each other dead at once; the first vote lands (one vote is enough when only
    /// one other silo is left). The loser's vote, decided before it saw that, must not then declare the winner dead: it is
    /// dead itself, so it fences instead, and the cluster keeps its survivor.
    /// </summary>
    [Fact]
    public async Task SiloDeclaredDead_VotesNobodyDead_ItFencesInstead()
    {
        var winner = await StartAsync();
        var loser = await StartAsync();
        var view = await winner.Table.ReadAllAsync(MembershipSilo.ClusterId, CancellationToken.None);
        var row = view.Silos.Single(s => s.Silo == loser.Name);
        Assert.True(await winner.Table.TryUpdateAsync(
            MembershipSilo.ClusterId, row with { Status = SiloStatus.Dead, Suspicions = [new SuspectVote(winner.Name, view.ReadAt)] }, view.Version, CancellationToken.None));

        await loser.Agent.VoteDeadAsync(winner.Name, CancellationToken.None);

        var winnerRow = (await RowAsync(winner, winner.Name))!;
        Assert.Equal(SiloStatus.Active, winnerRow.Status);
        Assert.Empty(winnerRow.Suspicions);
        Assert.True(loser.Agent.IsFenced);
        Assert.False(winner.Agent.IsFenced);
    }

    /// <summary>
    /// A silo found out of lease on one read is declared dead on a fresh one — where its lease is judged again: one that
    /// renewed in between (back from a pause) keeps serving instead of being declared dead while it serves.
    /// </summary>
    [Fact]
    public async Task SiloThatRenewedSinceTheReadThatFoundItOutOfLease_IsNotDeclaredDead()
    {
        var judge = await StartAsync();
        var renewed = await StartAsync();

        // Its lease, fresh on this read, is what the judge finds when it goes to write the verdict.
        await judge.Agent.DeclareDeadAsync(renewed.Name, "lease", CancellationToken.None);

        Assert.Equal(SiloStatus.Active, (await RowAsync(judge, renewed.Name))!.Status);
        await Task.Delay(MembershipSilo.ShortLease().TableRefresh * 2);
        Assert.False(renewed.Agent.IsFenced);
    }

    /// <summary>Membership requests the silo cannot read (an unknown one, a probe-through naming no silo or a wild timeout) get a clear error; the silo goes on.</summary>
    [Theory]
    [InlineData("probe-through", "not-a-silo/500", "names a silo and a timeout")]
    [InlineData("probe-through", "127.0.0.1:1@5/0", "names a silo and a timeout")]
    [InlineData("probe-through", "127.0.0.1:1@5/999999", "names a silo and a timeout")]
    [InlineData("probe-through", "", "names a silo and a timeout")]
    [InlineData("vote", "", "Unknown membership request 'vote'")]
    public async Task UnreadableMembershipRequest_IsRefusedClearly_AndTheSiloGoesOn(string method, string payload, string expected)
    {
        var silo = await StartAsync();
        await using var stranger = new Networking.SiloTransport(
            new Networking.SiloTransportOptions { ClusterId = MembershipSilo.ClusterId, ListenEndpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0) },
            handler: null);
        stranger.Start();

        var answer = await stranger.SendRequestAsync(silo.Transport.LocalAddress, Networking.Frame.Request(TransportProber.TargetType, string.Empty, method, System.Text.Encoding.UTF8.GetBytes(payload)));

        Assert.Equal(Networking.FrameKind.Error, answer.Kind);
        Assert.Contains(expected, answer.ErrorMessage, StringComparison.Ordinal);
        var probe = await stranger.SendRequestAsync(silo.Transport.LocalAddress, Networking.Frame.Request(TransportProber.TargetType, string.Empty, "probe", default));
        Assert.Equal(Networking.FrameKind.Response, probe.Kind);
        Assert.False(silo.Agent.IsFenced);
    }

    [Fact]
    public async Task SiloThatLeaves_IsDeadAtOnce_AndNobodyVotes()
    {
        var stays = await StartAsync();
        var leaves = await StartAsync();
        await Wait.WaitUntil(() => stays.Agent.ActiveSilos().Count == 2, TimeSpan.FromSeconds(10), "two");

        await leaves.Agent.LeaveAsync(CancellationToken.None);

        var row = (await RowAsync(stays, leaves.Name))!;
        Assert.Equal(SiloStatus.Dead, row.Status);
        Assert.Empty(row.Suspicions);
        await Wait.WaitUntil(() => stays.Agent.ActiveSilos().Count == 1, TimeSpan.FromSeconds(5), "one");
    }

    /// <summary>A restart on the same address must be a later generation; the earlier one's row is declared dead.</summary>
    [Fact]
    public async Task RestartOnTheSameAddress_TakesOverAsALaterGeneration_AndAnEarlierOneIsRefused()
    {
        var first = await StartAsync();
        var port = first.Transport.LocalAddress.Endpoint.Port;
        await first.KillAsync();

        var second = await StartAsync(port: port);

        Assert.Equal(SiloStatus.Dead, (await RowAsync(second, first.Name))!.Status);
        await second.KillAsync();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            MembershipSilo.StartAsync(_database.ConnectionString, port: port, generation: first.Transport.LocalAddress.Generation));
        Assert.Contains("larger generation", refused.Message, StringComparison.Ordinal);
    }
}
