using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace BorderGate.Actors.Networking;

/// <summary>
/// A connection this silo opened to another one: it sends Hello, Requests, OneWays and Pings, and reads the
/// Hello back, Responses, Errors and Pongs. Its pending requests live in the transport, by correlation id.
/// </summary>
internal sealed class OutboundConnection : TransportConnection
{
    private readonly SiloTransport _transport;
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public OutboundConnection(Socket socket, SiloAddress target, SiloTransport transport, ILogger logger)
        : base(socket, transport.Options, transport.TimeProvider, logger, "outbound")
    {
        Target = target;
        _transport = transport;
    }

    public SiloAddress Target { get; }

    protected override string? PeerName => Target.ToString();

    /// <summary>Completes when the silo said hello back; fails with <see cref="SiloUnavailableException"/> otherwise.</summary>
    public Task Handshake => _handshake.Task;

    protected override ValueTask OnFrameAsync(Frame frame)
    {
        if (!_handshake.Task.IsCompleted)
        {
            OnHandshakeFrame(frame);
            return default;
        }

        switch (frame.Kind)
        {
            case FrameKind.Response:
            case FrameKind.Error:
                _transport.CompleteRequest(frame);
                return default;
            case FrameKind.Pong:
                return default;
            case FrameKind.Ping:
                return SendAsync(new Frame { Kind = FrameKind.Pong });
            default:
                Reject(RejectionReasons.UnexpectedFrame, Frame.ErrorTo(0, TransportErrorCode.Protocol, $"A {frame.Kind} frame is not expected from a silo that was called."));
                return default;
        }
    }

    private void OnHandshakeFrame(Frame frame)
    {
        if (frame.Kind == FrameKind.Error)
        {
            Fail($"Silo {Target} refused the connection: {frame.ErrorCode} {frame.ErrorMessage}");
        }
        else if (frame.Kind != FrameKind.Hello || frame.Sender is null)
        {
            Reject(RejectionReasons.NoHello, Frame.ErrorTo(0, TransportErrorCode.Protocol, "Hello expected."));
        }
        else if (frame.ClusterIdHash != _transport.ClusterIdHash)
        {
            Reject(RejectionReasons.WrongCluster, Frame.ErrorTo(0, TransportErrorCode.WrongCluster, "This silo belongs to another cluster."));
        }
        else if (Target.Generation != 0 && frame.Sender.Generation != Target.Generation)
        {
            // Another incarnation answers at that endpoint: the one addressed is gone.
            Fail($"Silo {Target} is gone; {frame.Sender} answers at its endpoint.");
        }
        else
        {
            _handshake.TrySetResult();
        }
    }

    private void Fail(string message)
    {
        var error = new SiloUnavailableException(message, Target.ToString());
        _handshake.TrySetException(error);
        Close(error);
    }

    protected override void OnTick(TimeSpan silentFor)
    {
        RejectForSilence(silentFor);
        if (!IsClosed && _handshake.Task.IsCompletedSuccessfully)
        {
            // A full queue is itself proof of traffic; the ping is only for idle connections.
            TryEnqueue(new Frame { Kind = FrameKind.Ping }, FrameCodec.HeaderLength);
        }
    }

    protected override void OnClosed(Exception reason)
    {
        _handshake.TrySetException(reason as SiloUnavailableException ?? new SiloUnavailableException($"The connection to silo {Target} closed: {reason.Message}", Target.ToString(), reason));
        _transport.OnOutboundClosed(this, reason);
    }
}
