using BorderGate.Actors.Diagnostics;
using BorderGate.Actors.Hosting;
using BorderGate.Actors.Invocation;
using Microsoft.Extensions.Logging;

namespace BorderGate.Actors.Reminders;

/// <summary>
/// Fires durable reminders. The table is the truth: at start and periodically the service reads the rows it
/// owns (the whole ring on a single node) and keeps one local timer per reminder; a tick is a grain call
/// to <see cref="IRemindable.ReceiveReminder"/>, which activates the grain if needed.
/// </summary>
internal sealed partial class ReminderService
{
    private readonly ActorRuntime _runtime;
    private readonly IReminderTable? _table;
    private readonly Dictionary<(GrainId GrainId, string Name), LocalReminder> _local = [];
    private readonly Lock _lock = new();
    private ITimer? _refreshTimer;
    private bool _stopped;

    public ReminderService(ActorRuntime runtime, IReminderTable? table)
    {
        _runtime = runtime;
        _table = table;
    }

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
        Schedule(entry with { ETag = eTag });
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

    /// <summary>Reconciles local timers with the table: new rows scheduled, changed rows rescheduled, removed rows cancelled.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var rows = await RequireTable().ReadRowsAsync(0, 0, cancellationToken).ConfigureAwait(false);
        var seen = new HashSet<(GrainId, string)>();
        foreach (var row in rows)
        {
            seen.Add((row.GrainId, row.ReminderName));
            bool current;
            lock (_lock)
            {
                current = _local.TryGetValue((row.GrainId, row.ReminderName), out var local) && local.Entry.ETag == row.ETag;
            }

            if (!current)
            {
                Schedule(row);
            }
        }

        List<(GrainId, string)> gone;
        lock (_lock)
        {
            gone = [.. _local.Keys.Where(k => !seen.Contains(k))];
        }

        foreach (var (grainId, name) in gone)
        {
            Cancel(grainId, name);
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

            var local = new LocalReminder(entry, this);
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

    private sealed class LocalReminder(ReminderEntry entry, ReminderService service)
    {
        public ReminderEntry Entry { get; } = entry;

        public ReminderService Service { get; } = service;

        public ITimer Timer { get; set; } = null!;
    }
}
