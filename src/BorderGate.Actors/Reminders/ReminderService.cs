using BorderGate.Actors.Cluster;
using BorderGate.Actors.Diagnostics;
using BorderGate.Actors.Hosting;
using BorderGate.Actors.Invocation;
using Microsoft.Extensions.Logging;

namespace BorderGate.Actors.Reminders;

/// <summary>
/// Fires durable reminders. The table is the truth: at start, periodically and whenever the silo's share of the ring
/// changes, the service reads the rows it owns and keeps one local timer per reminder; a tick is a grain call to
/// <see cref="IRemindable.ReceiveReminder"/>, which activates the grain if needed (on any silo of a cluster).
/// A single node owns the whole ring. In a cluster each silo owns the ranges of <see cref="HashRing"/> built from the
/// active silos, by the grain's uniform hash: when a silo dies, the survivors take its ranges at the view that says so
/// and fire its reminders from then on. A reminder registered on a silo that does not own it is written to the table and
/// its owner told at once (<see cref="TellOwner"/>); were the owner not told, it reads the row at its next refresh.
/// Around a change of membership two silos may briefly both fire a reminder, or neither: a tick may come twice or late,
/// never a reminder lost.
/// </summary>
internal sealed partial class ReminderService
{
    private readonly ActorRuntime _runtime;
    private readonly IReminderTable? _table;
    private readonly Dictionary<(GrainId GrainId, string Name), LocalReminder> _local = [];
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private ITimer? _refreshTimer;
    private bool _started;
    private bool _stopped;
    private long _stamp;
    private volatile Ownership _ownership = Ownership.Everything;

    public ReminderService(ActorRuntime runtime, IReminderTable? table)
    {
        _runtime = runtime;
        _table = table;
    }

    /// <summary>Tells the silo that owns a grain's reminders that they changed in the table (set by the cluster).</summary>
    public Func<string, GrainId, CancellationToken, Task>? TellOwner { get; set; }

    /// <summary>The ranges of grain hashes whose reminders this silo fires.</summary>
    public IReadOnlyList<RingRange> OwnedRanges => _ownership.Ranges;

    /// <summary>Reminders this silo has scheduled.</summary>
    public int LocalCount
    {
        get
        {
            lock (_lock)
            {
                return _local.Count;
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_table is null)
        {
            return;
        }

        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            _started = true;
        }

        var interval = _runtime.Options.ReminderRefreshInterval;
        _refreshTimer = _runtime.TimeProvider.CreateTimer(static s => _ = ((ReminderService)s!).RefreshSafelyAsync(), this, interval, interval);
    }

    public Task StopAsync()
    {
        lock (_lock)
        {
            _stopped = true;
            _refreshTimer?.Dispose();
            foreach (var reminder in _local.Values)
            {
                reminder.Timer.Dispose();
            }

            _local.Clear();
        }

        return Task.CompletedTask;
    }

    public async Task<IGrainReminder> RegisterOrUpdateAsync(GrainId grainId, GrainClassInfo grainClass, string reminderName, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reminderName);
        if (!grainClass.Interfaces.Contains(typeof(IRemindable)) && !typeof(IRemindable).IsAssignableFrom(grainClass.GrainClass))
        {
            throw new InvalidOperationException($"Grain {grainId} registers reminder '{reminderName}' but its class {grainClass.GrainClass.Name} does not implement IRemindable.");
        }

        if (dueTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, "A reminder's due time must be zero or positive.");
        }

        if (period <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "A reminder's period must be positive.");
        }

        var table = RequireTable();
        var entry = new ReminderEntry(grainId, reminderName, _runtime.TimeProvider.GetUtcNow() + dueTime, period);
        var eTag = await table.UpsertRowAsync(entry, CancellationToken.None).ConfigureAwait(false);
        if (Owns(grainId))
        {
            Schedule(entry with { ETag = eTag });
        }
        else
        {
            Cancel(grainId, reminderName);
            await TellOwnerAsync(grainId).ConfigureAwait(false);
        }

        return new GrainReminder(reminderName, period, eTag);
    }

    public async Task UnregisterAsync(GrainId grainId, IGrainReminder reminder)
    {
        ArgumentNullException.ThrowIfNull(reminder);
        var table = RequireTable();
        var eTag = (reminder as GrainReminder)?.ETag
            ?? (await table.ReadRowAsync(grainId, reminder.ReminderName, CancellationToken.None).ConfigureAwait(false))?.ETag;
        if (eTag is not null && !await table.RemoveRowAsync(grainId, reminder.ReminderName, eTag, CancellationToken.None).ConfigureAwait(false))
        {
            // The row changed since this reference was taken (re-registered): remove the current one.
            var current = await table.ReadRowAsync(grainId, reminder.ReminderName, CancellationToken.None).ConfigureAwait(false);
            if (current?.ETag is { } currentETag)
            {
                await table.RemoveRowAsync(grainId, reminder.ReminderName, currentETag, CancellationToken.None).ConfigureAwait(false);
            }
        }

        Cancel(grainId, reminder.ReminderName);
        if (!Owns(grainId))
        {
            await TellOwnerAsync(grainId).ConfigureAwait(false);
        }
    }

    public async Task<IGrainReminder?> GetAsync(GrainId grainId, string reminderName)
    {
        var row = await RequireTable().ReadRowAsync(grainId, reminderName, CancellationToken.None).ConfigureAwait(false);
        return row is null ? null : new GrainReminder(row.ReminderName, row.Period, row.ETag ?? string.Empty);
    }

    public async Task<IReadOnlyList<IGrainReminder>> GetAllAsync(GrainId grainId)
    {
        var rows = await RequireTable().ReadRowsAsync(grainId, CancellationToken.None).ConfigureAwait(false);
        return [.. rows.Select(r => new GrainReminder(r.ReminderName, r.Period, r.ETag ?? string.Empty))];
    }

    /// <summary>True when this silo fires the grain's reminders.</summary>
    public bool Owns(GrainId grainId)
    {
        var hash = grainId.GetUniformHashCode();
        foreach (var range in _ownership.Ranges)
        {
            if (range.Contains(hash))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when this silo has a timer for the reminder.</summary>
    public bool IsScheduled(GrainId grainId, string reminderName)
    {
        lock (_lock)
        {
            return _local.ContainsKey((grainId, reminderName));
        }
    }

    /// <summary>
    /// The silo's share of the ring after a change of membership: its reminders re-read at once if the share changed (the
    /// ranges of a dead silo taken, those of a new one given up). An empty share (not an active silo) fires nothing.
    /// </summary>
    public void SetRing(HashRing ring, string self)
    {
        var ranges = ring.RangesOf(self);
        var previous = _ownership;
        if (previous.Ranges.SequenceEqual(ranges))
        {
            _ownership = previous with { Ring = ring };
            return;
        }

        _ownership = new Ownership(ranges, ring);
        LogOwnershipChanged(_runtime.Logger, self, ranges.Count, ring.Silos.Count, ranges.Sum(r => r.Fraction));
        bool started;
        lock (_lock)
        {
            started = _started && !_stopped;
        }

        if (started)
        {
            _ = RefreshSafelyAsync();
        }
    }

    /// <summary>Reconciles local timers with the table: new rows scheduled, changed rows rescheduled, removed rows and rows no longer owned cancelled.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var table = RequireTable();
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var since = CurrentStamp();
            var rows = new List<ReminderEntry>();
            foreach (var range in _ownership.Ranges)
            {
                rows.AddRange(await table.ReadRowsAsync(range.BeginExclusive, range.EndInclusive, cancellationToken).ConfigureAwait(false));
            }

            Reconcile(rows, since, _ => true);
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    /// <summary>Another silo changed one of this grain's reminders in the table: its rows re-read, if this silo owns them.</summary>
    public async Task RefreshGrainAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        var since = CurrentStamp();
        var rows = Owns(grainId) ? await RequireTable().ReadRowsAsync(grainId, cancellationToken).ConfigureAwait(false) : [];
        Reconcile(rows, since, key => key == grainId);
    }

    /// <summary>
    /// Schedules the rows not scheduled as they are, and cancels the timers of <paramref name="scope"/> that no row backs
    /// or that this silo no longer owns — but not one scheduled after <paramref name="since"/> (registered while the rows
    /// were read, it is newer than what was read).
    /// </summary>
    private void Reconcile(IReadOnlyList<ReminderEntry> rows, long since, Func<GrainId, bool> scope)
    {
        var seen = new HashSet<(GrainId, string)>();
        foreach (var row in rows)
        {
            if (!Owns(row.GrainId))
            {
                continue;
            }

            seen.Add((row.GrainId, row.ReminderName));
            bool current;
            lock (_lock)
            {
                current = _local.TryGetValue((row.GrainId, row.ReminderName), out var local) && (local.Entry.ETag == row.ETag || local.Stamp > since);
            }

            if (!current)
            {
                Schedule(row);
            }
        }

        lock (_lock)
        {
            foreach (var (key, local) in _local.Where(p => scope(p.Key.GrainId) && !seen.Contains(p.Key) && (p.Value.Stamp <= since || !Owns(p.Key.GrainId))).ToList())
            {
                _local.Remove(key);
                local.Timer.Dispose();
            }
        }
    }

    private long CurrentStamp()
    {
        lock (_lock)
        {
            return _stamp;
        }
    }

    private async Task TellOwnerAsync(GrainId grainId)
    {
        if (TellOwner is not { } tell || _ownership.Ring?.OwnerOf(grainId.GetUniformHashCode()) is not { } owner)
        {
            return;
        }

        try
        {
            await tell(owner, grainId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The owner reads the row at its next refresh (or, dead, its successor at the view that says so).
            LogTellOwnerFailed(_runtime.Logger, exception, grainId, owner);
        }
    }

    private async Task RefreshSafelyAsync()
    {
        try
        {
            await RefreshAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            LogRefreshFailed(_runtime.Logger, exception);
        }
    }

    private IReminderTable RequireTable() =>
        _table ?? throw new InvalidOperationException("No reminder table is registered: add a storage provider (memory, SQLite or PostgreSQL) that provides IReminderTable.");

    private void Schedule(ReminderEntry entry)
    {
        var key = (entry.GrainId, entry.ReminderName);
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            if (_local.Remove(key, out var previous))
            {
                previous.Timer.Dispose();
            }

            var local = new LocalReminder(entry, this) { Stamp = ++_stamp };
            _local[key] = local;
            local.Timer = _runtime.TimeProvider.CreateTimer(static s => ((LocalReminder)s!).Service.OnDue((LocalReminder)s), local, DueIn(entry), Timeout.InfiniteTimeSpan);
        }
    }

    private void Cancel(GrainId grainId, string name)
    {
        lock (_lock)
        {
            if (_local.Remove((grainId, name), out var local))
            {
                local.Timer.Dispose();
            }
        }
    }

    /// <summary>Time until the next tick: the first tick at StartAt, then every Period; ticks missed while no silo ran are not replayed.</summary>
    private TimeSpan DueIn(ReminderEntry entry)
    {
        var now = _runtime.TimeProvider.GetUtcNow();
        if (entry.StartAt >= now)
        {
            return entry.StartAt - now;
        }

        var elapsedPeriods = Math.Ceiling((now - entry.StartAt) / entry.Period);
        var next = entry.StartAt + (entry.Period * elapsedPeriods);
        return next > now ? next - now : TimeSpan.Zero;
    }

    private void OnDue(LocalReminder local) => _ = FireAsync(local);

    private async Task FireAsync(LocalReminder local)
    {
        var entry = local.Entry;

        // The tick being delivered: the last one due at or before now.
        var firedAt = _runtime.TimeProvider.GetUtcNow();
        var tick = firedAt <= entry.StartAt ? entry.StartAt : entry.StartAt + (entry.Period * Math.Floor((firedAt - entry.StartAt) / entry.Period));
        try
        {
            var reference = new RemindableReference(_runtime.Invoker, entry.GrainId);
            var status = new TickStatus(entry.StartAt, entry.Period, _runtime.TimeProvider.GetUtcNow());
            await reference.ReceiveReminder(entry.ReminderName, status).ConfigureAwait(false);
            ActorDiagnostics.RemindersFired.Add(1);
        }
        catch (Exception exception)
        {
            LogTickFailed(_runtime.Logger, entry.ReminderName, entry.GrainId, exception);
        }

        lock (_lock)
        {
            if (!_stopped && _local.TryGetValue((entry.GrainId, entry.ReminderName), out var current) && ReferenceEquals(current, local))
            {
                // The tick after the one just delivered, one period after it: at once if the delivery took until then (it was
                // skipped before: a delivery ending exactly at the next due time lost that tick), never twice the same tick.
                var dueIn = tick + entry.Period - _runtime.TimeProvider.GetUtcNow();
                local.Timer.Change(dueIn > TimeSpan.Zero ? dueIn : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
        }
    }

    [LoggerMessage(1301, LogLevel.Warning, "Reminder {ReminderName} of grain {GrainId} failed")]
    private static partial void LogTickFailed(ILogger logger, string reminderName, GrainId grainId, Exception exception);

    [LoggerMessage(1302, LogLevel.Warning, "Reading the reminder table failed; will retry")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(1303, LogLevel.Information, "Silo {Silo} fires the reminders of {Ranges} ranges of the ring of {Silos} silos ({Share:P0} of it)")]
    private static partial void LogOwnershipChanged(ILogger logger, string silo, int ranges, int silos, double share);

    [LoggerMessage(1304, LogLevel.Warning, "Grain {GrainId}: silo {Owner}, which fires its reminders, could not be told they changed; it reads them at its next refresh")]
    private static partial void LogTellOwnerFailed(ILogger logger, Exception exception, GrainId grainId, string owner);

    private sealed class LocalReminder(ReminderEntry entry, ReminderService service)
    {
        public ReminderEntry Entry { get; } = entry;

        public ReminderService Service { get; } = service;

        public ITimer Timer { get; set; } = null!;

        /// <summary>When it was scheduled, in the service's order of schedules.</summary>
        public long Stamp { get; init; }
    }

    /// <summary>What of the ring this silo owns, and the ring (to find the owner of what it does not).</summary>
    private sealed record Ownership(IReadOnlyList<RingRange> Ranges, HashRing? Ring)
    {
        public static Ownership Everything { get; } = new([RingRange.Whole], null);
    }
}
