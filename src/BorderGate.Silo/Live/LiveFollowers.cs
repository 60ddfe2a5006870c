using System.Diagnostics.Metrics;
using BorderGate.Actors;
using BorderGate.Actors.Streams;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Live;
using BorderGate.Contracts.Site;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace BorderGate.Silo.Live;

/// <summary>
/// The control-room connections that follow the crossing (<see cref="CrossingHub"/>): a snapshot, then every change of
/// the feed, each connection on its own subscription (<see cref="FeedFollowers"/>).
/// </summary>
internal sealed partial class LiveFollowers : IAsyncDisposable
{
    public const string MeterName = "BorderGate.Silo.Live";

    public const string ChangeDelayInstrument = "bordergate.live.change.delay";

    private readonly FeedFollowers _followers;
    private readonly IHubContext<CrossingHub, ICrossingClient> _hub;
    private readonly IGrainFactory _grains;
    private readonly IEventLog _eventLog;
    private readonly SiteLayout _site;
    private readonly TimeProvider _time;
    private readonly ILogger<LiveFollowers> _logger;
    private readonly Counter<long> _changesSent;
    private readonly Counter<long> _batchesSent;
    private readonly Counter<long> _snapshotsSent;
    private readonly Histogram<double> _changeDelay;

    public LiveFollowers(
        IHubContext<CrossingHub, ICrossingClient> hub,
        IGrainFactory grains,
        IEventLog eventLog,
        [FromKeyedServices(CrossingEvent.StreamProvider)] IStreamProvider streams,
        SiteLayout site,
        TimeProvider time,
        IOptions<LiveOptions> options,
        IMeterFactory meters,
        ILogger<LiveFollowers> logger)
    {
        _hub = hub;
        _grains = grains;
        _eventLog = eventLog;
        _site = site;
        _time = time;
        _logger = logger;
        _followers = new FeedFollowers(streams, site.CrossingId, options.Value.ChangeBatchWindow, time, logger);
        var meter = meters.Create(MeterName);
        meter.CreateObservableUpDownCounter("bordergate.live.followers", () => _followers.Count, "{connection}", "Control-room hub connections following the crossing.");
        _changesSent = meter.CreateCounter<long>("bordergate.live.changes.sent", "{change}", "Changes sent to control-room hub connections.");
        _batchesSent = meter.CreateCounter<long>("bordergate.live.change_batches.sent", "{message}", "Messages of changes sent to control-room hub connections (each one or more changes).");
        _snapshotsSent = meter.CreateCounter<long>("bordergate.live.snapshots.sent", "{message}", "Snapshots sent to control-room hub connections.");
        _changeDelay = meter.CreateHistogram(
            ChangeDelayInstrument, "ms", "From a change's moment (its event's At) to its send to a control-room connection: storage, feed and queueing.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000] });
    }

    /// <summary>Starts (or starts over) the connection's follow; answers the sequence it follows from.</summary>
    public async Task<long> FollowAsync(string connectionId, long? after, CancellationToken connectionAborted)
    {
        if (after < 0)
        {
            throw new HubException($"Follow(after): after is a feed sequence number, 0 or more (or null for a snapshot first); got {after}.");
        }

        var last = await _eventLog.GetLastSequenceAsync(CrossingEvent.StreamFor(_site.CrossingId), connectionAborted).ConfigureAwait(false);
        if (after > last)
        {
            throw new HubException($"The crossing's feed has no change {after} yet (its last is {last}): follow from a sequence it has, or from null for a snapshot.");
        }

        var start = after ?? last;
        var client = _hub.Clients.Client(connectionId);
        var snapshot = after is null ? await SnapshotAsync(start).ConfigureAwait(false) : null;
        var plan = new FollowPlan(
            OnEvents: async (events, ct) =>
            {
                var changes = new CrossingChange[events.Count];
                for (var i = 0; i < changes.Length; i++)
                {
                    changes[i] = new CrossingChange(events[i].Sequence, events[i].Item);
                }

                await client.Changed(changes).WaitAsync(ct).ConfigureAwait(false);
                _batchesSent.Add(1);
                _changesSent.Add(changes.Length);
                var now = _time.GetUtcNow();
                foreach (var change in changes)
                {
                    _changeDelay.Record((now - change.Event.At).TotalMilliseconds);
                }
            },
            First: snapshot is null ? null : async ct =>
            {
                await client.Snapshot(snapshot).WaitAsync(ct).ConfigureAwait(false);
                _snapshotsSent.Add(1);
            });
        await _followers.StartAsync(connectionId, start, plan, connectionAborted).ConfigureAwait(false);
        LogFollowing(_logger, connectionId, after);
        return start;
    }

    public Task StopAsync(string connectionId) => _followers.StopAsync(connectionId);

    public ValueTask DisposeAsync() => _followers.DisposeAsync();

    private async Task<CrossingSnapshot> SnapshotAsync(long sequence)
    {
        var gate = _grains.GetGrain<IGateGrain>(_site.CrossingId).Snapshot();
        var yard = _grains.GetGrain<IYardGrain>(_site.CrossingId).Snapshot();
        var alarms = _grains.GetGrain<IAlarmBookGrain>(_site.CrossingId).Open();
        return new CrossingSnapshot(
            _site.CrossingId, sequence, _time.GetUtcNow(), await gate.ConfigureAwait(false), await yard.ConfigureAwait(false), await alarms.ConfigureAwait(false));
    }

    [LoggerMessage(4201, LogLevel.Debug, "Hub connection {ConnectionId} follows the crossing (after {After})")]
    private static partial void LogFollowing(ILogger logger, string connectionId, long? after);
}

/// <summary><c>BorderGate:Live</c>: how the control room's hub sends.</summary>
internal sealed class LiveOptions
{
    public const string SectionName = "BorderGate:Live";

    /// <summary>
    /// How long the hub waits after a change for those that follow it before it sends them together: at most this much
    /// later on the screen (a page draws once a frame, 16 ms, anyway), and one message instead of dozens when the crossing
    /// is busy. Zero: whatever waits when the connection is free.
    /// </summary>
    public TimeSpan ChangeBatchWindow { get; set; } = TimeSpan.FromMilliseconds(10);
}
