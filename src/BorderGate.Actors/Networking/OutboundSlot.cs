namespace BorderGate.Actors.Networking;

/// <summary>The pool's entry for one remote silo: its open connection, the attempt under way, and the backoff after failures.</summary>
internal sealed class OutboundSlot
{
    public OutboundSlot(SiloAddress target) => Target = target;

    public SiloAddress Target { get; }

    /// <summary>Guards <see cref="Connecting"/> and the backoff fields.</summary>
    public Lock Gate { get; } = new();

    public volatile OutboundConnection? Current;

    public Task<OutboundConnection>? Connecting;

    public TimeSpan Backoff;

    public long RetryAfterTimestamp;
}
