namespace BorderGate.Actors.Streams;

/// <summary>One event of a stream with its sequence number (1, 2, 3… per stream, no gaps).</summary>
public readonly record struct StreamEvent<T>(StreamId StreamId, long Sequence, T Item, DateTimeOffset Timestamp);
