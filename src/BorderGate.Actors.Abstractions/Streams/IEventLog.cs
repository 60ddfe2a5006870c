namespace BorderGate.Actors.Streams;

/// <summary>
/// The durable, append-only event log behind streams (audit and replay). Each stream's events carry
/// sequence numbers 1, 2, 3… assigned by the log, without gaps, unique even when appenders race.
/// </summary>
public interface IEventLog
{
    /// <summary>Appends one event and returns its sequence number once it is durable.</summary>
    /// <exception cref="GrainStorageException">The log could not be reached; nothing was appended.</exception>
    ValueTask<long> AppendAsync(StreamId streamId, string eventType, ReadOnlyMemory<byte> payload, DateTimeOffset timestamp, CancellationToken cancellationToken);

    /// <summary>Events of the stream with sequence greater than <paramref name="afterSequence"/>, in order, at most <paramref name="maxCount"/>.</summary>
    ValueTask<IReadOnlyList<EventRecord>> ReadAsync(StreamId streamId, long afterSequence, int maxCount, CancellationToken cancellationToken);

    /// <summary>The highest sequence stored for the stream, 0 if none.</summary>
    ValueTask<long> GetLastSequenceAsync(StreamId streamId, CancellationToken cancellationToken);
}

/// <summary>A stored event: <see cref="Payload"/> is UTF-8 JSON.</summary>
public sealed record EventRecord(StreamId StreamId, long Sequence, string EventType, ReadOnlyMemory<byte> Payload, DateTimeOffset Timestamp);
