using System.Collections.Concurrent;
using BorderGate.Actors.Hosting;

namespace BorderGate.Actors.Streams;

/// <summary>Streams over the durable event log: publish appends, then fans out in sequence order.</summary>
internal sealed class EventLogStreamProvider : IStreamProvider
{
    private readonly ConcurrentDictionary<StreamId, StreamHub> _hubs = new();
    private readonly ActorRuntime _runtime;
    private readonly IEventLog _eventLog;

    public EventLogStreamProvider(string name, ActorRuntime runtime, IEventLog eventLog)
    {
        Name = name;
        _runtime = runtime;
        _eventLog = eventLog;
    }

    public string Name { get; }

    public IAsyncStream<T> GetStream<T>(StreamId streamId) =>
        new AsyncStream<T>(_hubs.GetOrAdd(streamId, static (id, self) => new StreamHub(self.Name, id, self._eventLog, self._runtime), this));

    /// <summary>The stream's hub on this silo, if anything here published to or subscribed to it.</summary>
    public StreamHub? FindHub(StreamId streamId) => _hubs.GetValueOrDefault(streamId);

    /// <summary>The hubs that have subscriptions on this silo.</summary>
    public IEnumerable<StreamHub> SubscribedHubs => _hubs.Values.Where(h => h.HasSubscribers);
}
