using System.Collections.Concurrent;
using System.Globalization;
using BorderGate.Actors.Reminders;

namespace BorderGate.Actors.Memory;

/// <summary>Reminder rows kept in process memory (tests; a node run without persistence).</summary>
public sealed class MemoryReminderTable : IReminderTable
{
    private readonly ConcurrentDictionary<(GrainId GrainId, string Name), ReminderEntry> _rows = new();
    private long _version;

    public ValueTask<IReadOnlyList<ReminderEntry>> ReadRowsAsync(GrainId grainId, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<ReminderEntry>>(_rows.Values.Where(r => r.GrainId == grainId).OrderBy(r => r.ReminderName, StringComparer.Ordinal).ToList());

    public ValueTask<IReadOnlyList<ReminderEntry>> ReadRowsAsync(uint beginExclusive, uint endInclusive, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<ReminderEntry>>(_rows.Values.Where(r => InRange(r.GrainId.GetUniformHashCode(), beginExclusive, endInclusive)).ToList());

    public ValueTask<ReminderEntry?> ReadRowAsync(GrainId grainId, string reminderName, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_rows.TryGetValue((grainId, reminderName), out var row) ? row : null);

    public ValueTask<string> UpsertRowAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var eTag = Interlocked.Increment(ref _version).ToString(CultureInfo.InvariantCulture);
        _rows[(entry.GrainId, entry.ReminderName)] = entry with { ETag = eTag };
        return ValueTask.FromResult(eTag);
    }

    public ValueTask<bool> RemoveRowAsync(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken)
    {
        var key = (grainId, reminderName);
        return ValueTask.FromResult(_rows.TryGetValue(key, out var row) && row.ETag == eTag
            && _rows.TryRemove(new KeyValuePair<(GrainId, string), ReminderEntry>(key, row)));
    }

    /// <summary>True when <paramref name="hash"/> lies in the ring range (begin, end]; begin ≥ end wraps around.</summary>
    public static bool InRange(uint hash, uint beginExclusive, uint endInclusive) =>
        beginExclusive < endInclusive
            ? hash > beginExclusive && hash <= endInclusive
            : hash > beginExclusive || hash <= endInclusive;
}
