namespace BorderGate.Actors.Reminders;

/// <summary>
/// Durable reminder storage. Rows carry the grain's uniform hash (<see cref="GrainId.GetUniformHashCode"/>)
/// so that a cluster can split them by hash range over silos.
/// </summary>
public interface IReminderTable
{
    ValueTask<IReadOnlyList<ReminderEntry>> ReadRowsAsync(GrainId grainId, CancellationToken cancellationToken);

    /// <summary>
    /// Rows whose grain hash lies in the ring range (<paramref name="beginExclusive"/>, <paramref name="endInclusive"/>];
    /// when begin ≥ end the range wraps around. (0, uint.MaxValue] with begin == end reads every row.
    /// </summary>
    ValueTask<IReadOnlyList<ReminderEntry>> ReadRowsAsync(uint beginExclusive, uint endInclusive, CancellationToken cancellationToken);

    ValueTask<ReminderEntry?> ReadRowAsync(GrainId grainId, string reminderName, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the row and returns its new ETag.</summary>
    ValueTask<string> UpsertRowAsync(ReminderEntry entry, CancellationToken cancellationToken);

    /// <summary>Removes the row if its ETag matches; false when it did not (already gone or changed).</summary>
    ValueTask<bool> RemoveRowAsync(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken);
}
