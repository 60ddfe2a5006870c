using System.Collections.Concurrent;
using System.Globalization;
using BorderGate.Actors.Storage;

namespace BorderGate.Actors.Memory;

/// <summary>
/// Grain state kept in process memory, with the same ETag contract as the durable providers. For tests
/// and for a node run without persistence; nothing survives the process.
/// </summary>
public sealed class MemoryGrainStorage : IGrainStorage
{
    private readonly ConcurrentDictionary<(string StateName, GrainId GrainId), GrainStateRecord> _records = new();
    private long _version;

    public ValueTask<GrainStateRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_records.TryGetValue((stateName, grainId), out var record) ? record : null);
    }

    public ValueTask<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> json, string? expectedETag, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var key = (stateName, grainId);
        var eTag = Interlocked.Increment(ref _version).ToString(CultureInfo.InvariantCulture);
        var record = new GrainStateRecord(json.ToArray(), eTag);
        if (expectedETag is null)
        {
            if (!_records.TryAdd(key, record))
            {
                throw Conflict(stateName, grainId, expectedETag);
            }

            return ValueTask.FromResult(eTag);
        }

        if (!_records.TryGetValue(key, out var current) || current.ETag != expectedETag || !_records.TryUpdate(key, record, current))
        {
            throw Conflict(stateName, grainId, expectedETag);
        }

        return ValueTask.FromResult(eTag);
    }

    public ValueTask ClearAsync(string stateName, GrainId grainId, string? expectedETag, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var key = (stateName, grainId);
        if (!_records.TryGetValue(key, out var current))
        {
            return expectedETag is null ? ValueTask.CompletedTask : throw Conflict(stateName, grainId, expectedETag);
        }

        if (current.ETag != expectedETag || !_records.TryRemove(new KeyValuePair<(string, GrainId), GrainStateRecord>(key, current)))
        {
            throw Conflict(stateName, grainId, expectedETag);
        }

        return ValueTask.CompletedTask;
    }

    private InconsistentStateException Conflict(string stateName, GrainId grainId, string? expectedETag)
    {
        var stored = _records.TryGetValue((stateName, grainId), out var current) ? current.ETag : null;
        return InconsistentStateException.ForState(stateName, grainId, stored, expectedETag);
    }
}
