using System.Diagnostics;
using System.Net.Sockets;
using BorderGate.Actors.Diagnostics;
using Microsoft.Extensions.Logging;

namespace BorderGate.Actors.Networking;

/// <summary>
/// A connection another silo opened to this one. It must say Hello first, with this cluster's id; then its
/// Requests and OneWays go to the incoming-request handler, and the answers go back on it.
/// </summary>
internal sealed class InboundConnection : TransportConnection
{
    private readonly SiloTransport _transport;
    private readonly long _openedTimestamp;
    private volatile bool _helloReceived;
    private int _runningRequests;

    // 0 until the peer said hello, 1 while it counts for the transport's fair share, 2 once closed (counted out, or never in).
    private int _peerState;

    public InboundConnection(Socket socket, SiloTransport transport, ILogger logger)
        : base(socket, transport.Options, transport.TimeProvider, logger, "inbound")
    {
        _transport = transport;
        _openedTimestamp = transport.TimeProvider.GetTimestamp();
    }

    /// <summary>The silo at the other end, once it said hello.</summary>
    public SiloAddress? Peer { get; private set; }

    /// <summary>Requests of this peer running: handed to the handler, not yet answered.</summary>
    public int RunningRequests => Volatile.Read(ref _runningRequests);

    internal void BeginRequest() => Interlocked.Increment(ref _runningRequests);

    internal void EndRequest() => Interlocked.Decrement(ref _runningRequests);

    protected override ValueTask OnFrameAsync(Frame frame)
    {
        if (!_helloReceived)
        {
            return OnHelloAsync(frame);
        }

        switch (frame.Kind)
        {
            case FrameKind.Request:
            case FrameKind.OneWay:
                return DispatchAsync(frame);
            case FrameKind.Ping:
                return SendAsync(new Frame { Kind = FrameKind.Pong });
            case FrameKind.Pong:
                return default;
            default:
                Reject(RejectionReasons.UnexpectedFrame, Frame.ErrorTo(0, TransportErrorCode.Protocol, $"A {frame.Kind} frame is not expected from a calling silo."));
                return default;
        }
    }

    private ValueTask OnHelloAsync(Frame frame)
    {
        if (frame.Kind != FrameKind.Hello || frame.Sender is null)
        {
            Reject(RejectionReasons.NoHello, Frame.ErrorTo(frame.CorrelationId, TransportErrorCode.Protocol, "A connection must say hello first."));
            return default;
        }

        if (frame.ClusterIdHash != _transport.ClusterIdHash)
        {
            Reject(RejectionReasons.WrongCluster, Frame.ErrorTo(0, TransportErrorCode.WrongCluster, "This silo belongs to another cluster."));
            return default;
        }

        Peer = frame.Sender;
        _helloReceived = true;
        if (Interlocked.CompareExchange(ref _peerState, 1, 0) == 0)
        {
            _transport.OnPeerGreeted();
        }

        return SendAsync(Frame.Hello(_transport.ClusterIdHash, _transport.LocalAddress));
    }

    private ValueTask DispatchAsync(Frame request)
    {
        var local = _transport.LocalAddress;
        if (request.TargetGeneration != 0 && request.TargetGeneration != local.Generation)
        {
            return AnswerAsync(request, Frame.ErrorTo(request.CorrelationId, TransportErrorCode.WrongGeneration, $"Silo {local} is not generation {request.TargetGeneration}."));
        }

        if (request.DeadlineUtcTicks != 0 && request.DeadlineUtcTicks <= TimeProvider.GetUtcNow().UtcTicks)
        {
            return AnswerAsync(request, Frame.ErrorTo(request.CorrelationId, TransportErrorCode.DeadlineExpired, "The request's deadline passed before it arrived."));
        }

        if (_transport.Handler is not { } handler)
        {
            return AnswerAsync(request, Frame.ErrorTo(request.CorrelationId, TransportErrorCode.HandlerFailed, "This silo takes no requests."));
        }

        // Shed rather than queue: a silo that takes every call it is offered stalls under a flood until it is declared
        // dead; one that turns the excess away at once keeps serving the rest and keeps answering probes.
        var counted = request.Kind == FrameKind.Request && !request.IsSystem;
        if (counted && !_transport.TryBeginRequest(this, out var shedReason))
        {
            ActorDiagnostics.TransportRequestsShed.Add(1, new KeyValuePair<string, object?>(ActorDiagnostics.TransportReasonTag, shedReason));
            return AnswerAsync(request, Frame.ErrorTo(
                request.CorrelationId,
                TransportErrorCode.Overloaded,
                shedReason == SiloTransport.FairShareReason
                    ? $"Silo {local} is near its limit of {Options.MaxConcurrentRequests} requests at once and runs this caller's share of them ({_transport.FairShare}) while others call too; this one did not run; try again shortly."
                    : $"Silo {local} is running its limit of {Options.MaxConcurrentRequests} requests at once and did not run this one; try again shortly."));
        }

        var previous = Activity.Current;
        Activity? activity = null;
        ValueTask<Frame?> handling;
        try
        {
            // In the try: a tracing listener that throws fails this request (its place given back), not the connection.
            activity = StartReceiveActivity(request);
            handling = handler(request, Closing);
        }
        catch (Exception e)
        {
            handling = ValueTask.FromException<Frame?>(e);
        }
        finally
        {
            // The read loop goes on with the next frame, outside the request's span.
            Activity.Current = previous;
        }

        if (!handling.IsCompleted)
        {
            _ = AnswerLaterAsync(request, handling, activity, counted);
            return default;
        }

        if (counted)
        {
            _transport.EndRequest(this);
        }

        activity?.Stop();
        var (response, error) = Outcome(handling);
        return AnswerAsync(request, ResponseOf(request, response, error));
    }

    /// <summary>
    /// Answers a request whose handler completes later. It counts as running until its answer is queued: answers waiting
    /// for room on a connection the peer reads slowly are capped with the requests (the read loop goes on meanwhile).
    /// </summary>
    private async Task AnswerLaterAsync(Frame request, ValueTask<Frame?> handling, Activity? activity, bool counted)
    {
        try
        {
            Frame? response = null;
            Exception? error = null;
            try
            {
                response = await handling;
            }
            catch (Exception e)
            {
                error = e;
            }

            activity?.Stop();
            await AnswerAsync(request, ResponseOf(request, response, error));
        }
        finally
        {
            if (counted)
            {
                _transport.EndRequest(this);
            }
        }
    }

    private static (Frame? Response, Exception? Error) Outcome(ValueTask<Frame?> completed)
    {
        try
        {
            return (completed.Result, null);
        }
        catch (Exception e)
        {
            return (null, e);
        }
    }

    private Frame? ResponseOf(Frame request, Frame? response, Exception? error)
    {
        if (error is not null)
        {
            SiloTransport.LogHandlerFailed(Logger, request.Kind, request.TargetType, request.Method, error);
            return Frame.ErrorTo(request.CorrelationId, TransportErrorCode.HandlerFailed, error.Message);
        }

        if (request.Kind == FrameKind.OneWay)
        {
            return null;
        }

        if (response is null)
        {
            return Frame.ErrorTo(request.CorrelationId, TransportErrorCode.HandlerFailed, "The handler gave no response.");
        }

        response.CorrelationId = request.CorrelationId;
        return response;
    }

    private ValueTask AnswerAsync(Frame request, Frame? answer)
    {
        if (answer is null || request.Kind == FrameKind.OneWay)
        {
            return default;
        }

        int length;
        try
        {
            length = FrameCodec.GetEncodedLength(answer);
        }
        catch (ArgumentException e)
        {
            // A string of the handler's that cannot be encoded (or a frame over 2 GiB): the caller hears that, and the
            // connection, which the exception would have closed, serves on.
            SiloTransport.LogHandlerFailed(Logger, request.Kind, request.TargetType, request.Method, e);
            answer = Frame.ErrorTo(request.CorrelationId, TransportErrorCode.HandlerFailed, $"The response could not be encoded: {e.Message}");
            length = 0;
        }

        if (length > Options.MaxFrameSize)
        {
            answer = Frame.ErrorTo(request.CorrelationId, TransportErrorCode.HandlerFailed, $"The response is larger than the {Options.MaxFrameSize}-byte frame limit.");
        }

        // The answer to a probe (or to another of the silos' own requests) goes ahead of grain calls' answers.
        return SendAsync(answer, urgent: request.IsProbe);
    }

    private static Activity? StartReceiveActivity(Frame request)
    {
        if (request.TraceParent is null
            || !ActorDiagnostics.ActivitySource.HasListeners()
            || !ActivityContext.TryParse(request.TraceParent, request.TraceState, isRemote: true, out var parent))
        {
            return null;
        }

        var activity = ActorDiagnostics.ActivitySource.StartActivity(ActorDiagnostics.TransportReceiveActivityName, ActivityKind.Server, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(ActorDiagnostics.GrainTypeTag, request.TargetType);
            activity.SetTag(ActorDiagnostics.GrainMethodTag, request.Method);
        }

        return activity;
    }

    protected override void OnTick(TimeSpan silentFor)
    {
        if (!_helloReceived && TimeProvider.GetElapsedTime(_openedTimestamp) > Options.HandshakeTimeout)
        {
            Reject(RejectionReasons.HandshakeTimeout, Frame.ErrorTo(0, TransportErrorCode.Protocol, "No hello in time."));
            return;
        }

        RejectForSilence(silentFor);
    }

    protected override void OnClosed(Exception reason)
    {
        if (Interlocked.Exchange(ref _peerState, 2) == 1)
        {
            _transport.OnPeerGone();
        }

        _transport.OnInboundClosed(this);
    }
}
