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
        new AsyncStream<T>(_hubs.GetOrAdd(streamId, static (id, self) => new StreamHub(id, self._eventLog, self._runtime), this));
}
