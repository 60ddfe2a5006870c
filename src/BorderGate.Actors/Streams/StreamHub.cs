using BorderGate.Actors.Hosting;

namespace BorderGate.Actors.Streams;

/// <summary>
/// The live side of one stream on this silo: puts appended events back in sequence order (appends may
/// finish out of order) and hands each one to every subscription.
/// </summary>
internal sealed class StreamHub
{
    private readonly IEventLog _eventLog;
    private readonly SortedDictionary<long, HubEvent> _reorder = [];
    private readonly List<IHubSubscriber> _subscribers = [];
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _init = new(1, 1);
    private bool _initialized;
    private long _lastDispatched;

    public StreamHub(StreamId streamId, IEventLog eventLog, ActorRuntime runtime)
    {
        StreamId = streamId;
        _eventLog = eventLog;
        Runtime = runtime;
    }

    public StreamId StreamId { get; }

    public ActorRuntime Runtime { get; }

    public IEventLog EventLog => _eventLog;

    public async ValueTask<long> PublishAsync(string eventType, object? item, byte[] payload, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var timestamp = Runtime.TimeProvider.GetUtcNow();
        var sequence = await _eventLog.AppendAsync(StreamId, eventType, payload, timestamp, cancellationToken).ConfigureAwait(false);
        Dispatch(new HubEvent(sequence, item, payload, timestamp));
        return sequence;
    }

    public async Task AddAsync(IHubSubscriber subscriber, long? afterSequence, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            // Live-only subscribers start after what has been dispatched; resuming ones catch up from the log first.
            subscriber.Begin(afterSequence ?? _lastDispatched, _lastDispatched);
            _subscribers.Add(subscriber);
        }
    }

    public void Remove(IHubSubscriber subscriber)
    {
        lock (_lock)
        {
            _subscribers.Remove(subscriber);
        }
    }

    private async ValueTask EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _initialized))
        {
            return;
        }

        await _init.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_initialized)
            {
                var last = await _eventLog.GetLastSequenceAsync(StreamId, cancellationToken).ConfigureAwait(false);
                lock (_lock)
                {
                    _lastDispatched = last;
                }

                Volatile.Write(ref _initialized, true);
            }
        }
        finally
        {
            _init.Release();
        }
    }

    private void Dispatch(HubEvent appended)
    {
        lock (_lock)
        {
            _reorder[appended.Sequence] = appended;
            while (_reorder.Remove(_lastDispatched + 1, out var next))
            {
                _lastDispatched = next.Sequence;
                foreach (var subscriber in _subscribers)
                {
                    subscriber.Offer(next);
                }
            }
        }
    }
}

/// <summary>An event on its way to subscribers: the published object (delivered as is to subscribers of the same type) and its JSON.</summary>
internal sealed record HubEvent(long Sequence, object? Item, ReadOnlyMemory<byte> Payload, DateTimeOffset Timestamp);

internal interface IHubSubscriber
{
    /// <summary>Called once under the hub's lock: deliver from after <paramref name="afterSequence"/>; live events start after <paramref name="liveFrom"/>.</summary>
    void Begin(long afterSequence, long liveFrom);

    void Offer(HubEvent hubEvent);
}
