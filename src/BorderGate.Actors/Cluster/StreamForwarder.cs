using System.Text;
using BorderGate.Actors.Diagnostics;
using BorderGate.Actors.Hosting;
using BorderGate.Actors.Networking;
using BorderGate.Actors.Streams;
using Microsoft.Extensions.Logging;

namespace BorderGate.Actors.Cluster;

/// <summary>
/// Streams across silos. The event log is the truth and is shared (PostgreSQL); what crosses silos is the news that an
/// event was appended. A silo that appends an event sends it, one-way over the silo port, to every other live silo; a
/// silo whose subscriptions follow that stream hands it on (<see cref="StreamHub.DispatchRemote"/>), and any other
/// ignores it. Nothing is lost when news is: a subscription fills a hole in the sequence from the log as soon as a later
/// event arrives, and every <see cref="ClusterOptions.StreamCatchUpInterval"/>, and whenever a silo dies, each followed
/// stream's last sequence is read from the log, so that events whose publisher died before telling anyone are delivered
/// too. A subscriber resumes by sequence anywhere (<see cref="IAsyncStream{T}.SubscribeAsync"/> with afterSequence).
/// </summary>
internal sealed partial class StreamForwarder : IDisposable
{
    /// <summary>The system target of stream news (no grain type starts with '$').</summary>
    public const string TargetType = "$streams";

    private const string EventMethod = "event";
    private static readonly TimeSpan s_sendTimeout = TimeSpan.FromSeconds(5);
    private readonly ActorRuntime _runtime;
    private readonly SiloTransport _transport;
    private readonly Func<IReadOnlyList<SiloAddress>> _peers;
    private readonly ILogger _logger;
    private ITimer? _catchUpTimer;
    private int _catchingUp;

    public StreamForwarder(ActorRuntime runtime, SiloTransport transport, Func<IReadOnlyList<SiloAddress>> peers, ILogger logger)
    {
        _runtime = runtime;
        _transport = transport;
        _peers = peers;
        _logger = logger;
    }

    /// <summary>
    /// Starts the periodic catch-up. The first comes early, after <paramref name="joinWindow"/>: until every other silo has
    /// read this one in the membership table, their news does not come here, and a subscription made in that window
    /// would otherwise wait a whole interval for what it missed.
    /// </summary>
    public void Start(TimeSpan catchUpInterval, TimeSpan joinWindow) =>
        _catchUpTimer = _transport.TimeProvider.CreateTimer(static s => ((StreamForwarder)s!).CatchUpSoon(), this, joinWindow < catchUpInterval ? joinWindow : catchUpInterval, catchUpInterval);

    /// <summary>Tells every other live silo of an event appended here (fire and forget: a lost notice is read from the log).</summary>
    public void Forward(StreamHub hub, string eventType, HubEvent appended)
    {
        var peers = _peers();
        if (peers.Count == 0)
        {
            return;
        }

        var payload = Encode(hub.StreamId, eventType, appended);
        foreach (var peer in peers)
        {
            var frame = Frame.Request(TargetType, hub.ProviderName, EventMethod, payload, (_transport.TimeProvider.GetUtcNow() + s_sendTimeout).UtcTicks);
            var send = _transport.SendOneWayAsync(peer, frame);
            if (!send.IsCompletedSuccessfully)
            {
                _ = ObserveAsync(send, peer, hub.StreamId);
            }
        }

        ActorDiagnostics.StreamEventsForwarded.Add(peers.Count);
    }

    /// <summary>News of an event from another silo; null if <paramref name="frame"/> is not stream news. One-way: nothing is answered.</summary>
    public ValueTask<Frame?>? Receive(Frame frame)
    {
        if (frame.TargetType != TargetType)
        {
            return null;
        }

        try
        {
            if (frame.Method != EventMethod)
            {
                throw new FormatException($"unknown stream request '{frame.Method}'");
            }

            var (streamId, hubEvent) = Decode(frame.Payload);
            if (_runtime.GetStreamProvider(frame.TargetKey ?? string.Empty) is EventLogStreamProvider provider && provider.FindHub(streamId) is { } hub)
            {
                hub.DispatchRemote(hubEvent);
            }
        }
        catch (Exception exception) when (exception is FormatException or EndOfStreamException or ArgumentException or InvalidOperationException or DecoderFallbackException)
        {
            ActorDiagnostics.StreamNewsRejected.Add(1);
            LogBadNews(_logger, frame.Sender?.ToString(), exception.Message);
        }

        return ValueTask.FromResult<Frame?>(null);
    }

    /// <summary>Every followed stream checked against the log (a silo died, or the interval passed).</summary>
    public void CatchUpSoon()
    {
        if (Interlocked.Exchange(ref _catchingUp, 1) == 0)
        {
            _ = CatchUpAsync();
        }
    }

    public void Dispose() => _catchUpTimer?.Dispose();

    private async Task CatchUpAsync()
    {
        try
        {
            foreach (var hub in _runtime.StreamProviders.OfType<EventLogStreamProvider>().SelectMany(p => p.SubscribedHubs).ToList())
            {
                try
                {
                    await hub.CatchUpFromLogAsync(CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception exception)
                {
                    LogCatchUpFailed(_logger, exception, hub.StreamId.ToString());
                }
            }
        }
        finally
        {
            Volatile.Write(ref _catchingUp, 0);
        }
    }

    private async Task ObserveAsync(ValueTask send, SiloAddress peer, StreamId streamId)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The peer reads the event from the log at its next catch-up (or the next event's hole).
            LogForwardFailed(_logger, peer.ToString(), streamId.ToString(), exception.Message);
        }
    }

    /// <summary>namespace, key, event type (length-prefixed UTF-8), sequence, timestamp (UTC ticks), then the event's JSON.</summary>
    internal static byte[] Encode(StreamId streamId, string eventType, HubEvent appended)
    {
        using var buffer = new MemoryStream(64 + appended.Payload.Length);
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(streamId.Namespace);
            writer.Write(streamId.Key);
            writer.Write(eventType);
            writer.Write(appended.Sequence);
            writer.Write(appended.Timestamp.UtcTicks);
            writer.Write(appended.Payload.Span);
        }

        return buffer.ToArray();
    }

    internal static (StreamId StreamId, HubEvent Event) Decode(ReadOnlyMemory<byte> payload)
    {
        using var stream = new MemoryStream(payload.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true));
        var streamId = new StreamId(reader.ReadString(), reader.ReadString());
        _ = reader.ReadString();
        var sequence = reader.ReadInt64();
        var ticks = reader.ReadInt64();
        if (sequence <= 0 || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            throw new FormatException($"sequence {sequence} or timestamp {ticks} out of range");
        }

        var body = payload[(int)stream.Position..];
        return (streamId, new HubEvent(sequence, null, body, new DateTimeOffset(ticks, TimeSpan.Zero)));
    }

    [LoggerMessage(1611, LogLevel.Warning, "Stream news from silo {Sender} could not be read: {Reason}")]
    private static partial void LogBadNews(ILogger logger, string? sender, string reason);

    [LoggerMessage(1612, LogLevel.Debug, "Silo {Peer} was not told of an event of stream {StreamId} ({Reason}); it reads it from the log")]
    private static partial void LogForwardFailed(ILogger logger, string peer, string streamId, string reason);

    [LoggerMessage(1613, LogLevel.Warning, "Stream {StreamId} could not be checked against the event log; tried again at the next catch-up")]
    private static partial void LogCatchUpFailed(ILogger logger, Exception exception, string streamId);
}
