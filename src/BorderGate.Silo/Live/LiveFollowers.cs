using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using BorderGate.Actors;
using BorderGate.Actors.Streams;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Live;
using BorderGate.Contracts.Site;
using Microsoft.AspNetCore.SignalR;

namespace BorderGate.Silo.Live;

/// <summary>
/// The hub connections that follow the crossing, each on a subscription of its own to the crossing's durable feed: the
/// subscription hands the feed's events to a bounded queue, and one loop per connection sends the snapshot and then
/// each change, awaiting each send — so that a connection gets its messages in order, and a slow one fills its own queue
/// and slows only its own subscription, never the publishers or the other clients.
/// </summary>
internal sealed partial class LiveFollowers : IAsyncDisposable
{
    public const string MeterName = "BorderGate.Silo.Live";

    /// <summary>Changes waiting for a connection before its subscription waits for it.</summary>
    private const int Buffered = 1024;

    private readonly ConcurrentDictionary<string, Follower> _followers = new(StringComparer.Ordinal);
    private readonly IHubContext<CrossingHub, ICrossingClient> _hub;
    private readonly IGrainFactory _grains;
    private readonly IEventLog _eventLog;
    private readonly IStreamProvider _streams;
    private readonly SiteLayout _site;
    private readonly TimeProvider _time;
    private readonly ILogger<LiveFollowers> _logger;
    private readonly Counter<long> _changesSent;
    private readonly Counter<long> _snapshotsSent;

    public LiveFollowers(
        IHubContext<CrossingHub, ICrossingClient> hub,
        IGrainFactory grains,
        IEventLog eventLog,
        [FromKeyedServices(CrossingEvent.StreamProvider)] IStreamProvider streams,
        SiteLayout site,
        TimeProvider time,
        IMeterFactory meters,
        ILogger<LiveFollowers> logger)
    {
        _hub = hub;
        _grains = grains;
        _eventLog = eventLog;
        _streams = streams;
        _site = site;
        _time = time;
        _logger = logger;
        var meter = meters.Create(MeterName);
        meter.CreateObservableUpDownCounter("bordergate.live.followers", () => _followers.Count, "{connection}", "Hub connections following the crossing.");
        _changesSent = meter.CreateCounter<long>("bordergate.live.changes.sent", "{message}", "Changes sent to hub connections.");
        _snapshotsSent = meter.CreateCounter<long>("bordergate.live.snapshots.sent", "{message}", "Snapshots sent to hub connections.");
    }

    public int Count => _followers.Count;

    /// <summary>Starts (or starts over) the connection's follow; answers the sequence it follows from.</summary>
    public async Task<long> FollowAsync(string connectionId, long? after, CancellationToken connectionAborted)
    {
        if (after < 0)
        {
            throw new HubException($"Follow(after): after is a feed sequence number, 0 or more (or null for a snapshot first); got {after}.");
        }

        var feed = CrossingEvent.StreamFor(_site.CrossingId);
        var last = await _eventLog.GetLastSequenceAsync(feed, connectionAborted).ConfigureAwait(false);
        if (after > last)
        {
            throw new HubException($"The crossing's feed has no change {after} yet (its last is {last}): follow from a sequence it has, or from null for a snapshot.");
        }

        await StopAsync(connectionId).ConfigureAwait(false);
        var start = after ?? last;
        var follower = new Follower(connectionId, Channel.CreateBounded<StreamEvent<CrossingEvent>>(new BoundedChannelOptions(Buffered) { SingleReader = true }));
        follower.Subscription = await _streams.GetStream<CrossingEvent>(feed)
            .SubscribeAsync((e, ct) => follower.Queue.Writer.WriteAsync(e, ct).AsTask(), start, connectionAborted)
            .ConfigureAwait(false);
        if (!_followers.TryAdd(connectionId, follower))
        {
            // Two follows of one connection at once: the later one wins.
            await StopAsync(connectionId).ConfigureAwait(false);
            _followers[connectionId] = follower;
        }

        var snapshot = after is null ? await SnapshotAsync(start).ConfigureAwait(false) : null;
        follower.Pump = Task.Run(() => PumpAsync(follower, snapshot), CancellationToken.None);
        LogFollowing(_logger, connectionId, after);
        return start;
    }

    /// <summary>Ends the connection's follow (it left, or follows again).</summary>
    public async Task StopAsync(string connectionId)
    {
        if (!_followers.TryRemove(connectionId, out var follower))
        {
            return;
        }

        await follower.Stopping.CancelAsync().ConfigureAwait(false);
        follower.Queue.Writer.TryComplete();
        if (follower.Subscription is not null)
        {
            await follower.Subscription.DisposeAsync().ConfigureAwait(false);
        }

        await follower.Pump.ConfigureAwait(false);
        follower.Stopping.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connectionId in _followers.Keys.ToList())
        {
            await StopAsync(connectionId).ConfigureAwait(false);
        }
    }

    private async Task<CrossingSnapshot> SnapshotAsync(long sequence)
    {
        var gate = _grains.GetGrain<IGateGrain>(_site.CrossingId).Snapshot();
        var yard = _grains.GetGrain<IYardGrain>(_site.CrossingId).Snapshot();
        return new CrossingSnapshot(_site.CrossingId, sequence, _time.GetUtcNow(), await gate.ConfigureAwait(false), await yard.ConfigureAwait(false));
    }

    private async Task PumpAsync(Follower follower, CrossingSnapshot? snapshot)
    {
        var client = _hub.Clients.Client(follower.ConnectionId);
        var stopping = follower.Stopping.Token;
        try
        {
            if (snapshot is not null)
            {
                await client.Snapshot(snapshot).WaitAsync(stopping).ConfigureAwait(false);
                _snapshotsSent.Add(1);
            }

            await foreach (var change in follower.Queue.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                await client.Changed(new CrossingChange(change.Sequence, change.Item)).WaitAsync(stopping).ConfigureAwait(false);
                _changesSent.Add(1);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The connection left or follows again.
        }
        catch (Exception exception)
        {
            LogPumpFailed(_logger, exception, follower.ConnectionId);
        }
    }

    [LoggerMessage(4201, LogLevel.Debug, "Hub connection {ConnectionId} follows the crossing (after {After})")]
    private static partial void LogFollowing(ILogger logger, string connectionId, long? after);

    [LoggerMessage(4202, LogLevel.Warning, "Hub connection {ConnectionId}: sending the crossing's changes failed; it follows no more until it calls Follow again")]
    private static partial void LogPumpFailed(ILogger logger, Exception exception, string connectionId);

    private sealed class Follower(string connectionId, Channel<StreamEvent<CrossingEvent>> queue)
    {
        public string ConnectionId { get; } = connectionId;

        public Channel<StreamEvent<CrossingEvent>> Queue { get; } = queue;

        public CancellationTokenSource Stopping { get; } = new();

        public StreamSubscriptionHandle? Subscription { get; set; }

        public Task Pump { get; set; } = Task.CompletedTask;
    }
}
