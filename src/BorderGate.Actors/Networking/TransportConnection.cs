using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using BorderGate.Actors.Diagnostics;
using Microsoft.Extensions.Logging;

namespace BorderGate.Actors.Networking;

/// <summary>
/// One TCP connection between two silos: a read loop that parses frames out of a pipe and a write loop that
/// drains a bounded queue into another, flushing once per batch. What a frame means is the subclass's business.
/// </summary>
internal abstract partial class TransportConnection
{
    private const int OpenState = 0;
    private const int RejectingState = 1;
    private const int ClosedState = 2;

    // Flushing at this many bytes keeps a long batch from piling up in the pipe before the first byte leaves.
    private const int FlushThreshold = 64 * 1024;

    // Pings, pongs and probes waiting ahead of the queue, at most (a handful in a healthy cluster).
    private const int MaxUrgentFrames = 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly Channel<OutgoingFrame> _outgoing;
    private readonly ConcurrentQueue<OutgoingFrame> _urgent = new();
    private int _urgentCount;
    private int _writerIdle;
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly KeyValuePair<string, object?> _directionTag;
    private ITimer? _timer;
    private Exception? _closeReason;
    private int _state;
    private int _runningLoops = 2;
    private int _waitingSenders;
    private long _lastReceivedTimestamp;

    protected TransportConnection(Socket socket, SiloTransportOptions options, TimeProvider timeProvider, ILogger logger, string direction)
    {
        _socket = socket;
        Options = options;
        TimeProvider = timeProvider;
        Logger = logger;
        RemoteEndPoint = socket.RemoteEndPoint;
        _directionTag = new(ActorDiagnostics.TransportDirectionTag, direction);
        _stream = new NetworkStream(socket, ownsSocket: false);
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4096, leaveOpen: true));
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024, leaveOpen: true));
        _outgoing = Channel.CreateBounded<OutgoingFrame>(new BoundedChannelOptions(options.OutgoingQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
        _lastReceivedTimestamp = timeProvider.GetTimestamp();
    }

    public EndPoint? RemoteEndPoint { get; }

    /// <summary>Who is at the other end, as errors name it: the silo (<c>host:port@generation</c>) when known, else the endpoint.</summary>
    protected virtual string? PeerName => RemoteEndPoint?.ToString();

    /// <summary>True once the connection is closing or closed: nothing more is sent on it.</summary>
    public bool IsClosed => Volatile.Read(ref _state) != OpenState;

    /// <summary>Cancelled when the connection is closed.</summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>Completes when both loops have ended.</summary>
    public Task Completion => _completion.Task;

    protected SiloTransportOptions Options { get; }

    protected TimeProvider TimeProvider { get; }

    protected ILogger Logger { get; }

    public void Start(TimeSpan tickInterval)
    {
        ActorDiagnostics.TransportConnections.Add(1, _directionTag);
        Interlocked.Exchange(ref _timer, TimeProvider.CreateTimer(static s => ((TransportConnection)s!).Tick(), this, tickInterval, tickInterval));
        if (IsClosed)
        {
            // Closed before it started (the transport disposed meanwhile): Close found no timer to stop.
            _timer.Dispose();
        }

        _ = Task.Run(ReadLoopAsync);
        _ = Task.Run(WriteLoopAsync);
    }

    /// <summary>
    /// Queues a frame if there is room; false when the queue is full or the connection is closed. Pings, pongs and
    /// membership probes (<see cref="Frame.IsProbe"/>) go ahead of the queue (<see cref="TryEnqueueUrgent"/>).
    /// </summary>
    public bool TryEnqueue(Frame frame, int length) =>
        frame.Kind is FrameKind.Ping or FrameKind.Pong || frame.IsProbe
            ? TryEnqueueUrgent(frame, length)
            : _outgoing.Writer.TryWrite(new OutgoingFrame(frame, length));

    /// <summary>
    /// Queues a frame ahead of those waiting in the queue (they are few and small; past <see cref="MaxUrgentFrames"/> it
    /// joins the queue): a probe, or its answer, stuck behind thousands of grain calls would time out and get a live silo
    /// declared dead. False once closed, or when it had to join a full queue.
    /// </summary>
    public bool TryEnqueueUrgent(Frame frame, int length)
    {
        if (IsClosed)
        {
            return false;
        }

        if (Volatile.Read(ref _urgentCount) >= MaxUrgentFrames)
        {
            // A peer that sends pings or probes without end and reads nothing: their answers queue with the rest (bounded,
            // holding its reads) instead of growing this queue without limit.
            return _outgoing.Writer.TryWrite(new OutgoingFrame(frame, length));
        }

        _urgent.Enqueue(new OutgoingFrame(frame, length));
        Interlocked.Increment(ref _urgentCount);

        // Wakes the write loop only if it is waiting for frames (a marker in the queue, skipped by the loop); a busy loop
        // finds the frame before its next one. The loop says it is idle, then looks at the count, before it waits: one
        // of the two sees the other (both sides fenced), so a frame is never left waiting for a loop that sleeps. The
        // sender that turns the flag off writes the one marker: the others find it off.
        if (Volatile.Read(ref _writerIdle) != 0 && Interlocked.CompareExchange(ref _writerIdle, 0, 1) == 1)
        {
            _outgoing.Writer.TryWrite(default);
        }

        return true;
    }

    /// <summary>
    /// Queues a frame, waiting for room. Throws <see cref="ChannelClosedException"/> once the connection closed, and
    /// <see cref="SiloOverloadedException"/> at once when <see cref="SiloTransportOptions.OutgoingQueueCapacity"/> senders
    /// are waiting already (the peer cannot keep up; more waiters would only pile up).
    /// </summary>
    public async ValueTask EnqueueAsync(Frame frame, int length, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _waitingSenders) > Options.OutgoingQueueCapacity)
        {
            Interlocked.Decrement(ref _waitingSenders);
            ActorDiagnostics.TransportRequestsShed.Add(1, new KeyValuePair<string, object?>(ActorDiagnostics.TransportReasonTag, "queue_full"), _directionTag);
            throw new SiloOverloadedException(
                $"The connection to {PeerName} has {Options.OutgoingQueueCapacity} frames queued and as many senders waiting: the frame was not sent; try again shortly.",
                PeerName);
        }

        try
        {
            await _outgoing.Writer.WriteAsync(new OutgoingFrame(frame, length), cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waitingSenders);
        }
    }

    /// <summary>
    /// Queues a frame the connection itself sends (pong, hello, response), waiting for room while the peer is slow;
    /// <paramref name="urgent"/> (the answer to a probe) goes ahead of the queue.
    /// </summary>
    protected ValueTask SendAsync(Frame frame, bool urgent = false)
    {
        var length = FrameCodec.GetEncodedLength(frame);
        return (urgent ? TryEnqueueUrgent(frame, length) : TryEnqueue(frame, length)) || IsClosed ? default : SendSlowAsync(frame, length);
    }

    private async ValueTask SendSlowAsync(Frame frame, int length)
    {
        try
        {
            // Answers and pongs wait for room without a cap: the requests they answer are capped already.
            await _outgoing.Writer.WriteAsync(new OutgoingFrame(frame, length), _closing.Token);
        }
        catch (Exception e) when (e is ChannelClosedException or OperationCanceledException)
        {
            // Closed meanwhile: the peer sees the connection drop instead.
        }
    }

    /// <summary>Handles a frame on the read loop; a pending task holds further reading (back-pressure).</summary>
    protected abstract ValueTask OnFrameAsync(Frame frame);

    /// <summary>Called every tick interval with the time since the last bytes arrived.</summary>
    protected abstract void OnTick(TimeSpan silentFor);

    /// <summary>Called once, when the connection closes, with the reason.</summary>
    protected abstract void OnClosed(Exception reason);

    /// <summary>
    /// Turns the peer away for breaking the protocol: counts the reason, sends <paramref name="goodbye"/> if
    /// given, then closes. Reading stops at once; other connections are not affected.
    /// </summary>
    protected void Reject(string reason, Frame? goodbye)
    {
        if (Interlocked.CompareExchange(ref _state, RejectingState, OpenState) != OpenState)
        {
            return;
        }

        ActorDiagnostics.TransportConnectionsRejected.Add(1, new KeyValuePair<string, object?>(ActorDiagnostics.TransportReasonTag, reason), _directionTag);
        SiloTransport.LogConnectionRejected(Logger, RemoteEndPoint, reason);
        var error = new IOException($"The connection with {RemoteEndPoint} was closed: {reason}.");
        Volatile.Write(ref _closeReason, error);
        if (goodbye is null || !_outgoing.Writer.TryWrite(new OutgoingFrame(goodbye, FrameCodec.GetEncodedLength(goodbye))))
        {
            Close(error);
            return;
        }

        // The write loop closes once the goodbye is flushed; a peer that reads nothing gets a second to take it.
        _outgoing.Writer.TryComplete();
        _ = Task.Delay(TimeSpan.FromSeconds(1)).ContinueWith(static (_, s) => ((TransportConnection)s!).Close(null), this, TaskScheduler.Default);
    }

    /// <summary>Closes the connection at once; frames still queued are dropped.</summary>
    public void Close(Exception? reason)
    {
        if (Interlocked.Exchange(ref _state, ClosedState) == ClosedState)
        {
            return;
        }

        reason = Volatile.Read(ref _closeReason) ?? reason ?? new IOException($"The connection with {RemoteEndPoint} was closed.");
        _closeReason = reason;
        _timer?.Dispose();
        _outgoing.Writer.TryComplete();
        try
        {
            _input.CancelPendingRead();
            _output.CancelPendingFlush();
        }
        catch (InvalidOperationException)
        {
            // A loop completed its side of the pipe already.
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }

        _socket.Dispose();
        ActorDiagnostics.TransportConnections.Add(-1, _directionTag);
        SiloTransport.LogConnectionClosed(Logger, RemoteEndPoint, reason.Message);
        try
        {
            OnClosed(reason);
        }
        finally
        {
            // Last, and contained: the token's callbacks are the handlers' (grain code's), run here, and one that throws
            // must not leave the connection's bookkeeping half done or, on the tick's timer thread, end the process.
            try
            {
                _closing.Cancel();
            }
            catch (AggregateException e)
            {
                SiloTransport.LogConnectionFault(Logger, RemoteEndPoint, e);
            }
        }
    }

    private void Tick()
    {
        if (IsClosed)
        {
            return;
        }

        try
        {
            var silentFor = TimeProvider.GetElapsedTime(Volatile.Read(ref _lastReceivedTimestamp));
            OnTick(silentFor);
        }
        catch (Exception e)
        {
            // On a timer thread an exception would end the process: the connection is closed instead.
            SiloTransport.LogConnectionFault(Logger, RemoteEndPoint, e);
            Close(e);
        }
    }

    protected void RejectForSilence(TimeSpan silentFor)
    {
        if (silentFor > Options.LivenessTimeout)
        {
            Reject(RejectionReasons.LivenessTimeout, goodbye: null);
        }
    }

    private void LoopEnded()
    {
        if (Interlocked.Decrement(ref _runningLoops) == 0)
        {
            _stream.Dispose();
            _completion.TrySetResult();
        }
    }

    [Conditional("DEBUG")]
    private void AssertClosed() => Debug.Assert(IsClosed);
}
