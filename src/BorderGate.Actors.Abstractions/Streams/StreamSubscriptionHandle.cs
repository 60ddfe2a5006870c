namespace BorderGate.Actors.Streams;

/// <summary>A live subscription. Dispose to unsubscribe.</summary>
public abstract class StreamSubscriptionHandle : IAsyncDisposable
{
    public abstract StreamId StreamId { get; }

    /// <summary>The sequence of the last event handed to the subscriber; resume from it after a reconnect.</summary>
    public abstract long LastDeliveredSequence { get; }

    public abstract ValueTask DisposeAsync();
}
