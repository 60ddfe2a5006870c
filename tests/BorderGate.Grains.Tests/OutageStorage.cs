using BorderGate.Actors;
using BorderGate.Actors.Memory;
using BorderGate.Actors.Storage;

namespace BorderGate.Grains.Tests;

/// <summary>In-memory grain storage whose writes of the states a test names fail, as in a storage outage, until it lifts.</summary>
internal sealed class OutageStorage : IGrainStorage
{
    private readonly MemoryGrainStorage _inner = new();
    private int _failed;

    /// <summary>Which writes fail (state name, grain); null: none.</summary>
    public Func<string, GrainId, bool>? FailWrites { get; set; }

    /// <summary>How many writes failed.</summary>
    public int Failed => Volatile.Read(ref _failed);

    public ValueTask<GrainStateRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken) =>
        _inner.ReadAsync(stateName, grainId, cancellationToken);

    public ValueTask<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> json, string? expectedETag, CancellationToken cancellationToken)
    {
        if (FailWrites?.Invoke(stateName, grainId) == true)
        {
            Interlocked.Increment(ref _failed);
            throw new GrainStorageException($"storage outage: {stateName} of {grainId} not written");
        }

        return _inner.WriteAsync(stateName, grainId, json, expectedETag, cancellationToken);
    }

    public ValueTask ClearAsync(string stateName, GrainId grainId, string? expectedETag, CancellationToken cancellationToken) =>
        _inner.ClearAsync(stateName, grainId, expectedETag, cancellationToken);
}
