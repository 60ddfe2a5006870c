namespace BorderGate.Actors.Streams;

/// <summary>
/// A stream of events. Publishing appends the event durably to the event log, which assigns the next
/// sequence number, then delivers it to live subscribers in sequence order.
/// </summary>
public interface IAsyncStream<T>
{
    StreamId StreamId { get; }

    /// <summary>Appends and publishes an event; returns its sequence number once it is durable.</summary>
    ValueTask<long> OnNextAsync(T item, CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes. With <paramref name="afterSequence"/> the subscriber first receives every stored event
    /// after that sequence, then live events, with no gap and no duplicate; without it, only live events.
    /// Events are delivered one at a time in sequence order. Inside a grain, deliveries are turns of that grain.
    /// </summary>
    Task<StreamSubscriptionHandle> SubscribeAsync(
        Func<StreamEvent<T>, CancellationToken, Task> onNext,
        long? afterSequence = null,
        CancellationToken cancellationToken = default);
}
