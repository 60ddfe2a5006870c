using System.Diagnostics;
using System.Threading.Channels;
using BorderGate.Actors.Diagnostics;

namespace BorderGate.Actors.Networking;

internal sealed partial class SiloTransport
{
    /// <summary>
    /// Sends a request to a silo and waits for its answer: a Response frame, or an Error frame for a failure the
    /// remote handler reported. Throws <see cref="GrainCallTimeoutException"/> when the request's deadline
    /// (<see cref="Frame.DeadlineUtcTicks"/>, or now + <see cref="SiloTransportOptions.DefaultRequestTimeout"/>)
    /// passes, and <see cref="SiloUnavailableException"/> when the silo cannot be reached, its connection drops,
    /// or it is not the addressed generation. The transport stamps the frame's kind, correlation id, target
    /// generation, deadline and (from <see cref="Activity.Current"/>) trace context.
    /// </summary>
    public Task<Frame> SendRequestAsync(SiloAddress target, Frame request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(request);
        if (_disposed)
        {
            return Task.FromException<Frame>(new ObjectDisposedException(GetType().FullName));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<Frame>(cancellationToken);
        }

        var now = TimeProvider.GetUtcNow().UtcTicks;
        request.Kind = FrameKind.Request;
        request.CorrelationId = Interlocked.Increment(ref _nextCorrelationId);
        var length = Prepare(target, request, now);
        if (request.DeadlineUtcTicks <= now)
        {
            return Task.FromException<Frame>(Timeout(target, request));
        }

        // The common case — an open connection with room, nothing to cancel — is the pending request's own task: no
        // state machine of its own on every remote call.
        var connecting = GetConnectionAsync(target, cancellationToken);
        if (!cancellationToken.CanBeCanceled && connecting.IsCompletedSuccessfully)
        {
            var connection = connecting.Result;
            var pending = Register(target, request, connection);
            return !connection.IsClosed && connection.TryEnqueue(request, length)
                ? pending.Task
                : QueueAndAwaitAsync(connection, pending, request, length, cancellationToken);
        }

        return ConnectQueueAndAwaitAsync(target, request, length, connecting, cancellationToken);
    }

    /// <summary>Registered before it is queued: an answer can come back before the enqueuing call returns.</summary>
    private PendingRequest Register(SiloAddress target, Frame request, OutboundConnection connection)
    {
        var pending = new PendingRequest(request.CorrelationId, target, connection, request.DeadlineUtcTicks);
        _pending[pending.CorrelationId] = pending;
        return pending;
    }

    private async Task<Frame> ConnectQueueAndAwaitAsync(SiloAddress target, Frame request, int length, ValueTask<OutboundConnection> connecting, CancellationToken cancellationToken)
    {
        var connection = await WithinDeadline(target, request, connecting, cancellationToken);
        return await QueueAndAwaitAsync(connection, Register(target, request, connection), request, length, cancellationToken);
    }

    private async Task<Frame> QueueAndAwaitAsync(OutboundConnection connection, PendingRequest pending, Frame request, int length, CancellationToken cancellationToken)
    {
        if (connection.IsClosed)
        {
            Fail(pending, Unavailable(pending.Target, "its connection closed", inner: null));
        }
        else if (!connection.TryEnqueue(request, length))
        {
            await EnqueueWithinDeadlineAsync(connection, pending, request, length, cancellationToken);
        }

        if (!cancellationToken.CanBeCanceled)
        {
            return await pending.Task;
        }

        using var registration = cancellationToken.UnsafeRegister(
            static (state, token) =>
            {
                var (transport, pending) = ((SiloTransport, PendingRequest))state!;
                if (transport._pending.TryRemove(pending.CorrelationId, out _))
                {
                    pending.TrySetCanceled(token);
                }
            },
            (this, pending));
        return await pending.Task;
    }

    /// <summary>
    /// Sends a frame that expects no answer. Completes once the frame is queued on the connection; waits while
    /// the queue is full, up to the frame's deadline or <see cref="SiloTransportOptions.DefaultRequestTimeout"/>.
    /// </summary>
    public async ValueTask SendOneWayAsync(SiloAddress target, Frame frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(frame);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var now = TimeProvider.GetUtcNow().UtcTicks;
        frame.Kind = FrameKind.OneWay;
        frame.CorrelationId = 0;
        var length = Prepare(target, frame, now);
        var connection = await WithinDeadline(target, frame, GetConnectionAsync(target, cancellationToken), cancellationToken);
        if (connection.TryEnqueue(frame, length))
        {
            return;
        }

        using var deadline = new CancellationTokenSource(Until(frame.DeadlineUtcTicks, now), TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            await connection.EnqueueAsync(frame, length, linked.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw Timeout(target, frame);
        }
        catch (ChannelClosedException e)
        {
            throw Unavailable(target, "its connection closed", e);
        }
    }

    /// <summary>
    /// The connection, waited for no longer than the frame's deadline: a silo that accepts and says nothing, or drops the
    /// packets, would otherwise cost the whole ConnectTimeout. The attempt goes on for whoever else waits on it. An open
    /// connection is taken as it is (no task, no timer: one-way sends take this path for every stream event).
    /// </summary>
    private ValueTask<OutboundConnection> WithinDeadline(SiloAddress target, Frame frame, ValueTask<OutboundConnection> connecting, CancellationToken cancellationToken)
    {
        return connecting.IsCompletedSuccessfully ? connecting : new(WaitAsync());

        async Task<OutboundConnection> WaitAsync()
        {
            try
            {
                return await connecting.AsTask().WaitAsync(Until(frame.DeadlineUtcTicks, TimeProvider.GetUtcNow().UtcTicks), TimeProvider, cancellationToken);
            }
            catch (TimeoutException)
            {
                throw Timeout(target, frame);
            }
        }
    }

    /// <summary>
    /// The time left until a deadline, as a timer takes it: at least a tick, and at most 30 days (a caller's "never", such
    /// as <see cref="DateTime.MaxValue"/>, is over a timer's limit of about 49 days).
    /// </summary>
    private static TimeSpan Until(long deadlineUtcTicks, long nowUtcTicks) =>
        TimeSpan.FromTicks(Math.Clamp(deadlineUtcTicks - nowUtcTicks, 1, TimeSpan.FromDays(30).Ticks));

    /// <summary>Stamps the fields the transport owns and checks the size; returns the encoded length.</summary>
    private int Prepare(SiloAddress target, Frame frame, long nowUtcTicks)
    {
        frame.TargetGeneration = target.Generation;
        if (frame.DeadlineUtcTicks == 0)
        {
            frame.DeadlineUtcTicks = nowUtcTicks + Options.DefaultRequestTimeout.Ticks;
        }

        if (frame.TraceParent is null && Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity)
        {
            frame.TraceParent = activity.Id;
            frame.TraceState = activity.TraceStateString;
        }

        var length = FrameCodec.GetEncodedLength(frame);
        if (length > Options.MaxFrameSize)
        {
            throw new ArgumentException($"The frame takes {length} bytes, over the {Options.MaxFrameSize}-byte limit (SiloTransportOptions.MaxFrameSize).", nameof(frame));
        }

        return length;
    }

    private async Task EnqueueWithinDeadlineAsync(OutboundConnection connection, PendingRequest pending, Frame request, int length, CancellationToken cancellationToken)
    {
        // The queue is full: wait for room, but no longer than the request may live.
        using var deadline = new CancellationTokenSource(Until(pending.DeadlineUtcTicks, TimeProvider.GetUtcNow().UtcTicks), TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            await connection.EnqueueAsync(request, length, linked.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (_pending.TryRemove(pending.CorrelationId, out _))
            {
                pending.TrySetCanceled(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            ActorDiagnostics.TransportRequestTimeouts.Add(1);
            Fail(pending, Timeout(pending.Target, request));
        }
        catch (ChannelClosedException e)
        {
            Fail(pending, Unavailable(pending.Target, "its connection closed", e));
        }
        catch (SiloOverloadedException e)
        {
            Fail(pending, e);
        }
    }

    /// <summary>Completes the request a Response or Error frame answers; unknown ids (timed out, cancelled) are dropped.</summary>
    internal void CompleteRequest(Frame answer)
    {
        if (!_pending.TryRemove(answer.CorrelationId, out var pending))
        {
            return;
        }

        switch (answer.Kind, answer.ErrorCode)
        {
            case (FrameKind.Error, TransportErrorCode.WrongGeneration or TransportErrorCode.ShuttingDown):
                pending.TrySetException(new SiloUnavailableException($"Silo {pending.Target} cannot take the request: {answer.ErrorMessage}", pending.Target.ToString()));
                break;
            case (FrameKind.Error, TransportErrorCode.Overloaded):
                pending.TrySetException(new SiloOverloadedException($"Silo {pending.Target} is overloaded and did not run the request: {answer.ErrorMessage}", pending.Target.ToString()));
                break;
            case (FrameKind.Error, TransportErrorCode.DeadlineExpired):
                ActorDiagnostics.TransportRequestTimeouts.Add(1);
                pending.TrySetException(new GrainCallTimeoutException($"The request to silo {pending.Target} arrived after its deadline."));
                break;
            default:
                pending.TrySetResult(answer);
                break;
        }
    }

    /// <summary>Fails every request that was in flight on a connection that closed.</summary>
    private void FailRequestsOn(OutboundConnection connection, Exception reason)
    {
        foreach (var (id, pending) in _pending)
        {
            if (pending.Connection == connection && _pending.TryRemove(id, out _))
            {
                pending.TrySetException(reason as SiloUnavailableException ?? Unavailable(pending.Target, $"its connection closed ({reason.Message})", reason));
            }
        }
    }

    private void ExpireOverdueRequests()
    {
        var now = TimeProvider.GetUtcNow().UtcTicks;
        foreach (var (id, pending) in _pending)
        {
            if (pending.DeadlineUtcTicks <= now && _pending.TryRemove(id, out _))
            {
                ActorDiagnostics.TransportRequestTimeouts.Add(1);
                pending.TrySetException(new GrainCallTimeoutException($"The request to silo {pending.Target} got no response before its deadline."));
            }
        }
    }

    private void Fail(PendingRequest pending, Exception error)
    {
        if (_pending.TryRemove(pending.CorrelationId, out _))
        {
            pending.TrySetException(error);
        }
    }

    private static GrainCallTimeoutException Timeout(SiloAddress target, Frame frame) =>
        new($"The request to {frame.TargetType}/{frame.TargetKey} on silo {target} passed its deadline before it could be sent.");

    private static SiloUnavailableException Unavailable(SiloAddress target, string why, Exception? inner) =>
        new($"Silo {target} is unavailable: {why}.", target.ToString(), inner);
}
