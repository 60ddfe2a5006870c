namespace BorderGate.Actors.Networking;

/// <summary>A request sent and not yet answered: what its response, deadline or connection loss completes.</summary>
internal sealed class PendingRequest : TaskCompletionSource<Frame>
{
    // Continuations run off the read loop, so a caller's code never stalls the connection.
    public PendingRequest(long correlationId, SiloAddress target, OutboundConnection connection, long deadlineUtcTicks)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        CorrelationId = correlationId;
        Target = target;
        Connection = connection;
        DeadlineUtcTicks = deadlineUtcTicks;
    }

    public long CorrelationId { get; }

    public SiloAddress Target { get; }

    public OutboundConnection Connection { get; }

    public long DeadlineUtcTicks { get; }
}
