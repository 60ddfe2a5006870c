using System.Collections.Concurrent;
using BorderGate.Actors.Streams;

namespace BorderGate.Actors.Memory;

/// <summary>An event log kept in process memory: sequences 1, 2, 3… per stream, assigned under the stream's lock.</summary>
public sealed class MemoryEventLog : IEventLog
{
    private readonly ConcurrentDictionary<StreamId, List<EventRecord>> _streams = new();

    public ValueTask<long> AppendAsync(StreamId streamId, string eventType, ReadOnlyMemory<byte> payload, DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var events = _streams.GetOrAdd(streamId, static _ => []);
        lock (events)
        {
            var sequence = events.Count + 1L;
            events.Add(new EventRecord(streamId, sequence, eventType, payload.ToArray(), timestamp));
            return ValueTask.FromResult(sequence);
        }
    }

    public ValueTask<IReadOnlyList<EventRecord>> ReadAsync(StreamId streamId, long afterSequence, int maxCount, CancellationToken cancellationToken)
    {
        if (!_streams.TryGetValue(streamId, out var events))
        {
            return ValueTask.FromResult<IReadOnlyList<EventRecord>>([]);
        }

        lock (events)
        {
            var start = (int)Math.Clamp(afterSequence, 0, events.Count);
            var count = Math.Min(maxCount, events.Count - start);
            return ValueTask.FromResult<IReadOnlyList<EventRecord>>(events.GetRange(start, count));
        }
    }

    public ValueTask<long> GetLastSequenceAsync(StreamId streamId, CancellationToken cancellationToken)
    {
        if (!_streams.TryGetValue(streamId, out var events))
        {
            return ValueTask.FromResult(0L);
        }

        lock (events)
        {
            return ValueTask.FromResult((long)events.Count);
        }
    }
}
