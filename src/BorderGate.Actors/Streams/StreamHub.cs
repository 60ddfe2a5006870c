using BorderGate.Actors.Hosting;

namespace BorderGate.Actors.Streams;

/// <summary>
/// The live side of one stream on this silo: puts appended events back in sequence order (appends may
/// finish out of order) and hands each one to every subscription. In a cluster, events published on other silos
/// arrive through <see cref="DispatchRemote"/>; one that leaves a hole (an event lost on the way, or published on a
/// third silo and not here yet) is handed on at once, and each subscription fills the hole from the log.
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

    public StreamHub(string providerName, StreamId streamId, IEventLog eventLog, ActorRuntime runtime)
    {
        ProviderName = providerName;
        StreamId = streamId;
        _eventLog = eventLog;
        Runtime = runtime;
    }

    public string ProviderName { get; }

    public StreamId StreamId { get; }

    /// <summary>True when some subscription on this silo takes the stream's events.</summary>
    public bool HasSubscribers
    {
        get
        {
            lock (_lock)
            {
                return _subscribers.Count > 0;
            }
        }
    }

    public ActorRuntime Runtime { get; }

    public IEventLog EventLog => _eventLog;

    public async ValueTask<long> PublishAsync(string eventType, object? item, byte[] payload, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var timestamp = Runtime.TimeProvider.GetUtcNow();
        var sequence = await _eventLog.AppendAsync(StreamId, eventType, payload, timestamp, cancellationToken).ConfigureAwait(false);
        var appended = new HubEvent(sequence, item, payload, timestamp);
        Dispatch(appended);
        Runtime.Cluster?.Streams.Forward(this, eventType, appended);
        return sequence;
    }

    /// <summary>An event published on another silo: handed on in order, holes left to the subscriptions to fill from the log.</summary>
    public void DispatchRemote(HubEvent published)
    {
        lock (_lock)
        {
            if (!_initialized || published.Sequence <= _lastDispatched)
            {
                // Not followed here yet (no subscription ever began), or already handed on.
                return;
            }

            _reorder[published.Sequence] = published;
            HandOnThrough(published.Sequence);
            DrainInOrder();
        }
    }

    /// <summary>
    /// Reads the log's last sequence and, if events were stored that this silo never heard of (their publisher died before
    /// it told this silo, a notice was lost), has every subscription catch up to it.
    /// </summary>
    public async Task CatchUpFromLogAsync(CancellationToken cancellationToken)
    {
        if (!Volatile.Read(ref _initialized) || !HasSubscribers)
        {
            return;
        }

        var last = await _eventLog.GetLastSequenceAsync(StreamId, cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            if (last > _lastDispatched)
            {
                HandOnThrough(last);
                if (last > _lastDispatched)
                {
                    Offer(new HubEvent(last, null, ReadOnlyMemory<byte>.Empty, default) { CatchUpOnly = true });
                }

                DrainInOrder();
            }
        }
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
            if (appended.Sequence <= _lastDispatched)
            {
                // Handed on already, read from the log by the subscriptions after an event from another silo passed it.
                return;
            }

            _reorder[appended.Sequence] = appended;
            DrainInOrder();
        }
    }

    /// <summary>Under the lock: hands on, in order, every waiting event up to <paramref name="sequence"/>, holes and all.</summary>
    private void HandOnThrough(long sequence)
    {
        foreach (var (waitingSequence, waiting) in _reorder.Where(p => p.Key <= sequence).ToList())
        {
            _reorder.Remove(waitingSequence);
            Offer(waiting);
        }
    }

    /// <summary>Under the lock: hands on the waiting events that follow the last one handed on.</summary>
    private void DrainInOrder()
    {
        while (_reorder.Remove(_lastDispatched + 1, out var next))
        {
            Offer(next);
        }
    }

    /// <summary>Under the lock.</summary>
    private void Offer(HubEvent next)
    {
        _lastDispatched = next.Sequence;
        foreach (var subscriber in _subscribers)
        {
            subscriber.Offer(next);
        }
    }
}

/// <summary>
/// An event on its way to subscribers: the published object (delivered as is to subscribers of the same type; null when
/// it came from another silo) and its JSON. <see cref="CatchUpOnly"/>: no event, only "the log holds events up to
/// <see cref="Sequence"/>; read those you have not had".
/// </summary>
internal sealed record HubEvent(long Sequence, object? Item, ReadOnlyMemory<byte> Payload, DateTimeOffset Timestamp)
{
    public bool CatchUpOnly { get; init; }
}

internal interface IHubSubscriber
{
    /// <summary>Called once under the hub's lock: deliver from after <paramref name="afterSequence"/>; live events start after <paramref name="liveFrom"/>.</summary>
    void Begin(long afterSequence, long liveFrom);

    void Offer(HubEvent hubEvent);
}
