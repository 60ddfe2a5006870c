using System.Net;
using BorderGate.Actors.Cluster;
using BorderGate.Actors.Diagnostics;
using BorderGate.Actors.Networking;
using Microsoft.Extensions.Logging;

namespace BorderGate.Actors.Membership;

/// <summary>
/// One silo's part in the membership protocol, over the membership table:
/// <list type="bullet">
/// <item>It joins as a new incarnation (its row inserted active, the table's version advanced) and renews its lease.</item>
/// <item>It watches its successors on the ring of active silos by probing them; after
/// <see cref="MembershipOptions.MissedProbesToSuspect"/> misses in a row it asks another silo to probe the silent one, and if
/// that one does not reach it either (or there is none to ask) it votes it dead; enough fresh votes declare it dead.</item>
/// <item>A silo that itself runs late (its thread pool backlogged, its process stopped — <see cref="SchedulingLagMeter"/>)
/// holds no missed probe against anyone while it does: an overloaded silo does not vote a healthy peer dead because its
/// own answers came late. A peer that really died is still declared dead, by the others' votes or by its lease.</item>
/// <item>Any silo declares dead a silo whose lease ran out on the table's clock (frozen, or cut off from the table).</item>
/// <item>Fencing: a silo that finds itself declared dead, or that could not renew its lease for
/// <see cref="MembershipOptions.LeaseDuration"/>, stops serving at once (<see cref="Fenced"/>); it never serves again as
/// that incarnation.</item>
/// </list>
/// Every decision is written against the table version it was taken on; one taken on a stale view fails and is taken
/// again on a fresh one.
/// </summary>
internal sealed partial class MembershipAgent : IAsyncDisposable
{
    private readonly MembershipOptions _options;
    private readonly IMembershipTable _table;
    private readonly ISiloProber _prober;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<string> _fenced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, int> _missedProbes = new(StringComparer.Ordinal);
    private readonly Lock _viewLock = new();
    private MembershipView? _view;
    private long _leaseUntil;
    private ITimer? _leaseWatch;
    private Task[] _loops = [];
    private DateTimeOffset _defunctSweptAt = DateTimeOffset.MinValue;
    private SchedulingLagMeter? _lagMeter;
    private bool _tooLateToJudge;

    public MembershipAgent(MembershipOptions options, IMembershipTable table, ISiloProber prober, SiloAddress self, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _table = table;
        _prober = prober;
        Self = self;
        _time = timeProvider;
        _logger = logger;
        Name = self.ToString();
    }

    public SiloAddress Self { get; }

    /// <summary>
    /// How late this silo runs its own work just now; null: measured by a <see cref="SchedulingLagMeter"/> from the join on
    /// (tests give their own).
    /// </summary>
    public Func<TimeSpan>? SelfLag { get; init; }

    /// <summary>Where cluster clients call this silo (host:port), written in its row at join; null: on its silo port.</summary>
    public string? ClientAddress { get; init; }

    /// <summary><c>host:port@generation</c>: this incarnation in the table.</summary>
    public string Name { get; }

    /// <summary>Completes, with the reason, when this silo must stop serving (declared dead, or its lease lost).</summary>
    public Task<string> Fenced => _fenced.Task;

    public bool IsFenced => _fenced.Task.IsCompleted;

    /// <summary>The table as last read.</summary>
    public MembershipView? View
    {
        get
        {
            lock (_viewLock)
            {
                return _view;
            }
        }
    }

    /// <summary>Raised with every table read that shows a new version (off any lock; handlers must be quick).</summary>
    public event Action<MembershipView>? ViewChanged;

    /// <summary>The live silos as last read: active, lease not out, this one included.</summary>
    public IReadOnlyList<SiloAddress> ActiveSilos() =>
        View is { } view ? [.. view.Silos.Where(s => s.Status == SiloStatus.Active).Select(AddressOf).OfType<SiloAddress>()] : [];

    /// <summary>Inserts this incarnation as active and starts renewing, probing and reading.</summary>
    public async Task JoinAsync(CancellationToken cancellationToken)
    {
        var address = Self.Endpoint.ToString();
        while (true)
        {
            var started = _time.GetTimestamp();
            var view = await _table.ReadAllAsync(_options.ClusterId, cancellationToken).ConfigureAwait(false);
            if (view.Silos.Any(s => s.Address == address && s.Generation >= Self.Generation))
            {
                throw new InvalidOperationException($"Silo {Name}: the membership table holds this address with this generation or a later one; a restart needs a larger generation.");
            }

            var entry = new SiloEntry(address, Self.Generation, SiloStatus.Active, Dns.GetHostName(), view.ReadAt, view.ReadAt, [], string.Empty, ClientAddress);
            if (await _table.TryInsertAsync(_options.ClusterId, entry, view.Version, cancellationToken).ConfigureAwait(false))
            {
                ExtendLease(started);
                break;
            }
        }

        // Earlier incarnations of this address are dead: this one replaced them.
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        foreach (var earlier in View?.Silos.Where(s => s.Address == address && s.Generation < Self.Generation && s.Status != SiloStatus.Dead) ?? [])
        {
            await DeclareDeadAsync(earlier.Silo, "restarted as a later generation", cancellationToken).ConfigureAwait(false);
        }

        LogJoined(_logger, Name);
        if (SelfLag is null)
        {
            var period = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMilliseconds(100).Ticks, (_options.ProbeTimeout / 4).Ticks));
            _lagMeter = new SchedulingLagMeter(_time, period, _options.ProbeInterval + _options.ProbeTimeout * 2);
        }

        var check = _options.LeaseRenewal / 4;
        _leaseWatch = _time.CreateTimer(_ => CheckLease(), null, check, check);
        var token = _stopping.Token;
        _loops =
        [
            Task.Run(() => EveryAsync(_options.LeaseRenewal, RenewAsync, token), CancellationToken.None),
            Task.Run(() => EveryAsync(_options.TableRefresh, RefreshAndJudgeAsync, token), CancellationToken.None),
            Task.Run(() => EveryAsync(_options.ProbeInterval, ProbeWatchedAsync, token), CancellationToken.None),
        ];
    }

    /// <summary>A graceful stop: the row marked dead by the silo itself (its grains are free at once), the loops stopped.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        await StopLoopsAsync().ConfigureAwait(false);
        if (!IsFenced)
        {
            await DeclareDeadAsync(Name, "left", cancellationToken).ConfigureAwait(false);
            _fenced.TrySetResult("left the cluster");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopLoopsAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task StopLoopsAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        if (_leaseWatch is not null)
        {
            await _leaseWatch.DisposeAsync().ConfigureAwait(false);
        }

        _lagMeter?.Dispose();

        await Task.WhenAll(_loops).ConfigureAwait(false);
    }

    private async Task EveryAsync(TimeSpan interval, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && !IsFenced)
        {
            try
            {
                await Task.Delay(interval, _time, cancellationToken).ConfigureAwait(false);
                await work(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The table out, a probe failing oddly: the next round tries again; the lease watch fences if it lasts.
                LogRoundFailed(_logger, exception, Name);
            }
        }
    }

    private void ExtendLease(long renewalStarted) =>
        Interlocked.Exchange(ref _leaseUntil, renewalStarted + (long)(_options.LeaseDuration.TotalSeconds * _time.TimestampFrequency));

    private void CheckLease()
    {
        if (!IsFenced && _time.GetTimestamp() > Interlocked.Read(ref _leaseUntil))
        {
            Fence("its lease ran out: the membership table could not be reached to renew it");
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();

        // A renewal that comes back after the lease ran out is no use: the silo has stopped serving by then.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.LeaseDuration);
        if (await _table.RenewAsync(_options.ClusterId, Self.Endpoint.ToString(), Self.Generation, deadline.Token).ConfigureAwait(false))
        {
            ExtendLease(started);
        }
        else
        {
            Fence("the membership table shows it dead");
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var view = await _table.ReadAllAsync(_options.ClusterId, cancellationToken).ConfigureAwait(false);
        bool changed;
        lock (_viewLock)
        {
            changed = _view is null || view.Version != _view.Version;
            _view = view;
        }

        if (changed)
        {
            ViewChanged?.Invoke(view);
        }
    }

    private async Task RefreshAndJudgeAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        var view = View!;
        if (!LiveIn(view))
        {
            return;
        }

        // Lease out on the table's clock: declared dead by whoever sees it first (no votes needed, the table is the judge).
        foreach (var silo in view.Silos.Where(s => s.Status != SiloStatus.Dead && LeaseOut(view, s)))
        {
            await DeclareDeadAsync(silo.Silo, LeaseReason, cancellationToken).ConfigureAwait(false);
        }

        if (view.ReadAt - _defunctSweptAt > TimeSpan.FromMinutes(1))
        {
            _defunctSweptAt = view.ReadAt;
            await _table.DeleteDefunctAsync(_options.ClusterId, _options.DefunctAfter, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The silos this one watches: its successors on the ring of active silos, ordered by a hash of their names.</summary>
    internal IReadOnlyList<SiloEntry> Watched(MembershipView view)
    {
        var ring = view.Silos
            .Where(s => s.Status == SiloStatus.Active || s.Silo == Name)
            .OrderBy(s => HashRing.Point(s.Silo))
            .ThenBy(s => s.Silo, StringComparer.Ordinal)
            .ToList();
        var me = ring.FindIndex(s => s.Silo == Name);
        if (me < 0)
        {
            return [];
        }

        var count = Math.Min(_options.WatchedSilos, ring.Count - 1);
        return [.. Enumerable.Range(1, count).Select(i => ring[(me + i) % ring.Count])];
    }

    private async Task ProbeWatchedAsync(CancellationToken cancellationToken)
    {
        if (View is not { } view)
        {
            return;
        }

        var watched = Watched(view);
        var lagBefore = CurrentLag();
        var results = await Task.WhenAll(watched.Select(async s =>
            AddressOf(s) is { } address && await _prober.ProbeAsync(address, _options.ProbeTimeout, cancellationToken).ConfigureAwait(false))).ConfigureAwait(false);

        // Late by half a probe's timeout or more, this silo may have sent the probes late, read their answers late, or
        // timed them out before reading answers that had come: their misses say nothing about the peers.
        var lag = TimeSpan.FromTicks(Math.Max(lagBefore.Ticks, CurrentLag().Ticks));
        var judge = lag < _options.ProbeTimeout / 2;
        if (!judge && results.Contains(false))
        {
            ActorDiagnostics.MembershipProbeRoundsUnjudged.Add(1);
            if (!_tooLateToJudge)
            {
                LogTooLateToJudge(_logger, Name, (long)lag.TotalMilliseconds);
            }
        }

        _tooLateToJudge = !judge;
        var watchedNames = watched.Select(s => s.Silo).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _missedProbes.Keys.Where(k => !watchedNames.Contains(k)).ToList())
        {
            _missedProbes.Remove(gone);
        }

        for (var i = 0; i < watched.Count; i++)
        {
            var silo = watched[i];
            if (results[i])
            {
                _missedProbes.Remove(silo.Silo);
                continue;
            }

            if (!judge)
            {
                continue;
            }

            ActorDiagnostics.MembershipProbesFailed.Add(1, new KeyValuePair<string, object?>(ActorDiagnostics.MembershipReasonTag, "direct"));
            var missed = _missedProbes[silo.Silo] = _missedProbes.GetValueOrDefault(silo.Silo) + 1;
            if (missed < _options.MissedProbesToSuspect)
            {
                continue;
            }

            if (await ReachedThroughAnotherAsync(view, silo, cancellationToken).ConfigureAwait(false))
            {
                // Only this silo cannot reach it (a link down, not the silo): no vote.
                LogReachedIndirectly(_logger, Name, silo.Silo);
                _missedProbes.Remove(silo.Silo);
                continue;
            }

            LogSuspected(_logger, Name, silo.Silo, missed);
            await VoteDeadAsync(silo.Silo, cancellationToken).ConfigureAwait(false);
        }
    }

    private TimeSpan CurrentLag() => SelfLag?.Invoke() ?? _lagMeter?.Current ?? TimeSpan.Zero;

    /// <summary>Whether another active silo (not this one, not the suspect) reaches the suspect; false if none does or none is left to ask.</summary>
    private async Task<bool> ReachedThroughAnotherAsync(MembershipView view, SiloEntry suspect, CancellationToken cancellationToken)
    {
        var others = view.Silos
            .Where(s => s.Status == SiloStatus.Active && s.Silo != Name && s.Silo != suspect.Silo && !_missedProbes.ContainsKey(s.Silo))
            .Select(AddressOf)
            .OfType<SiloAddress>()
            .ToList();
        if (others.Count == 0 || AddressOf(suspect) is not { } target)
        {
            return false;
        }

        var via = others[Random.Shared.Next(others.Count)];
        var reached = await _prober.ProbeThroughAsync(via, target, _options.ProbeTimeout, cancellationToken).ConfigureAwait(false);
        if (reached != true)
        {
            ActorDiagnostics.MembershipProbesFailed.Add(1, new KeyValuePair<string, object?>(ActorDiagnostics.MembershipReasonTag, "indirect"));
        }

        return reached == true;
    }

    /// <summary>
    /// Adds this silo's vote; with enough fresh votes of live silos (fewer when fewer silos are left to vote) the silo is
    /// declared dead. A silo the table shows dead votes nothing (<see cref="LiveIn"/>).
    /// </summary>
    internal async Task VoteDeadAsync(string suspect, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var view = await _table.ReadAllAsync(_options.ClusterId, cancellationToken).ConfigureAwait(false);
            var entry = view.Silos.FirstOrDefault(s => s.Silo == suspect);
            if (entry is null or { Status: SiloStatus.Dead } || !LiveIn(view))
            {
                return;
            }

            // A vote counts while it is fresh and its voter alive: a silo that lost the race to vote first is dead, and
            // its vote with it.
            var votes = entry.Suspicions
                .Where(v => v.Voter != Name && view.ReadAt - v.At < _options.VoteExpiry && view.Silos.Any(s => s.Silo == v.Voter && s.Status == SiloStatus.Active))
                .Append(new SuspectVote(Name, view.ReadAt))
                .ToList();
            var voters = view.Silos.Count(s => s.Status == SiloStatus.Active && s.Silo != suspect);
            var needed = Math.Min(_options.VotesToDeclareDead, Math.Max(1, voters));
            var dead = votes.Count >= needed;
            if (await _table.TryUpdateAsync(_options.ClusterId, entry with { Status = dead ? SiloStatus.Dead : entry.Status, Suspicions = votes }, view.Version, cancellationToken).ConfigureAwait(false))
            {
                if (dead)
                {
                    DeclaredDead(suspect, "votes", votes.Count);
                }

                return;
            }
        }
    }

    private const string LeaseReason = "lease";

    /// <summary>
    /// Marks the silo dead, on a fresh read of the table. For <see cref="LeaseReason"/> the lease is judged again on that
    /// read: a silo that renewed since the read that condemned it (back from a pause, say) has not lost it.
    /// </summary>
    internal async Task DeclareDeadAsync(string silo, string reason, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var view = await _table.ReadAllAsync(_options.ClusterId, cancellationToken).ConfigureAwait(false);
            if (view.Silos.FirstOrDefault(s => s.Silo == silo) is not { Status: not SiloStatus.Dead } entry
                || (reason == LeaseReason && !LeaseOut(view, entry))
                || !LiveIn(view))
            {
                return;
            }

            if (await _table.TryUpdateAsync(_options.ClusterId, entry with { Status = SiloStatus.Dead }, view.Version, cancellationToken).ConfigureAwait(false))
            {
                DeclaredDead(silo, reason, entry.Suspicions.Count);
                return;
            }
        }
    }

    /// <summary>Its last renewal is more than the lease and its grace old on the table's clock.</summary>
    private bool LeaseOut(MembershipView view, SiloEntry entry) => view.ReadAt - entry.IAmAliveAt > _options.LeaseDuration + _options.LeaseGrace;

    /// <summary>
    /// True if the table shows this silo alive; otherwise it fences and judges nobody. Two silos cut off from each other vote
    /// each other dead at once: the first vote to land wins, and the loser, dead by then, must not go on to declare the
    /// winner dead with a vote that, the loser no longer counting, needs only its own — the whole cluster would be dead.
    /// </summary>
    private bool LiveIn(MembershipView view)
    {
        if (view.Find(Self.Endpoint.ToString(), Self.Generation) is { Status: not SiloStatus.Dead })
        {
            return true;
        }

        Fence("the membership table shows it dead");
        return false;
    }

    private void DeclaredDead(string silo, string reason, int votes)
    {
        LogDeclaredDead(_logger, Name, silo, reason, votes);
        ActorDiagnostics.MembershipSilosDeclaredDead.Add(1, new KeyValuePair<string, object?>(ActorDiagnostics.MembershipReasonTag, reason));
    }

    private void Fence(string reason)
    {
        if (_fenced.TrySetResult(reason))
        {
            LogFenced(_logger, Name, reason);
            ActorDiagnostics.MembershipFenced.Add(1, new KeyValuePair<string, object?>(ActorDiagnostics.MembershipReasonTag, reason));
            _stopping.Cancel();
        }
    }

    internal static SiloAddress? AddressOf(SiloEntry entry) =>
        IPEndPoint.TryParse(entry.Address, out var endpoint) ? new SiloAddress(endpoint, entry.Generation) : null;

    [LoggerMessage(1501, LogLevel.Information, "Silo {Silo} joined the cluster")]
    private static partial void LogJoined(ILogger logger, string silo);

    [LoggerMessage(1502, LogLevel.Warning, "Silo {Silo} suspects {Suspect}: {Missed} probes missed in a row, not reached through another silo either; voting it dead")]
    private static partial void LogSuspected(ILogger logger, string silo, string suspect, int missed);

    [LoggerMessage(1503, LogLevel.Warning, "Silo {Silo} declared {Dead} dead ({Reason}, {Votes} votes)")]
    private static partial void LogDeclaredDead(ILogger logger, string silo, string dead, string reason, int votes);

    [LoggerMessage(1504, LogLevel.Critical, "Silo {Silo} stops serving: {Reason}")]
    private static partial void LogFenced(ILogger logger, string silo, string reason);

    [LoggerMessage(1505, LogLevel.Information, "Silo {Silo} could not reach {Other}, but another silo did: no vote")]
    private static partial void LogReachedIndirectly(ILogger logger, string silo, string other);

    [LoggerMessage(1507, LogLevel.Warning, "Silo {Silo} runs {LagMs} ms late: while it does, it holds no missed probe against the silos it watches")]
    private static partial void LogTooLateToJudge(ILogger logger, string silo, long lagMs);

    [LoggerMessage(1506, LogLevel.Warning, "Silo {Silo}: a membership round failed; tried again next round")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception, string silo);
}
