namespace BorderGate.Actors.Storage;

/// <summary>
/// A grain state provider. State is stored as UTF-8 JSON under (state name, grain id) with an ETag
/// that changes on every write. Implementations must be safe for concurrent use and must make each
/// write durable before completing it.
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
