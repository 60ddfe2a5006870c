namespace BorderGate.Actors.Storage;

/// <summary>
/// A grain state provider. State is stored as UTF-8 JSON under (state name, grain id) with an ETag
/// that changes on every write. Implementations must be safe for concurrent use and must make each
/// write durable before completing it. Writes of one grain are committed in the order they were made, so that
/// a grain may hand several writes of different states to storage at once and wait for them together: once a
/// write is durable, every earlier write of that grain is durable or has failed (a failed write does not hold
/// back the later ones).
/// </summary>
public interface IGrainStorage
{
    /// <summary>The stored record, or null when none exists.</summary>
    /// <exception cref="GrainStorageException">Storage could not be reached or failed.</exception>
    ValueTask<GrainStateRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the record if the stored ETag equals <paramref name="expectedETag"/> (null: no record may
    /// exist) and returns the new ETag.
    /// </summary>
    /// <exception cref="InconsistentStateException">The stored ETag differs; nothing was written.</exception>
    /// <exception cref="GrainStorageException">Storage could not be reached or failed; nothing was written.</exception>
    ValueTask<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> json, string? expectedETag, CancellationToken cancellationToken);

    /// <summary>Deletes the record if the stored ETag equals <paramref name="expectedETag"/>.</summary>
    /// <exception cref="InconsistentStateException">The stored ETag differs; nothing was deleted.</exception>
    ValueTask ClearAsync(string stateName, GrainId grainId, string? expectedETag, CancellationToken cancellationToken);
}

/// <summary>A stored state record: its JSON and its ETag.</summary>
public sealed record GrainStateRecord(ReadOnlyMemory<byte> Json, string ETag);
