using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BorderGate.Actors.Diagnostics;
using BorderGate.Actors.Runtime;

namespace BorderGate.Actors.Streams;

/// <summary>A typed view of one stream.</summary>
internal sealed class AsyncStream<T> : IAsyncStream<T>
{
    private readonly StreamHub _hub;
    private readonly JsonTypeInfo<T> _typeInfo;

    public AsyncStream(StreamHub hub)
    {
        _hub = hub;
        var options = hub.Runtime.Options.JsonSerializerOptions;
        options.MakeReadOnly(populateMissingResolver: true);
        _typeInfo = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
    }

    public StreamId StreamId => _hub.StreamId;

    public async ValueTask<long> OnNextAsync(T item, CancellationToken cancellationToken = default)
    {
        byte[] payload;
        try
        {
            payload = JsonSerializer.SerializeToUtf8Bytes(item, _typeInfo);
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new GrainStateSerializationException($"An event of type {typeof(T).Name} for stream {StreamId} cannot be serialized to JSON: {exception.Message}", exception);
        }

        var sequence = await _hub.PublishAsync(typeof(T).Name, item, payload, cancellationToken).ConfigureAwait(false);
        ActorDiagnostics.StreamEvents.Add(1, new KeyValuePair<string, object?>(ActorDiagnostics.StreamTag, StreamId.Namespace));
        return sequence;
    }

    public async Task<StreamSubscriptionHandle> SubscribeAsync(
        Func<StreamEvent<T>, CancellationToken, Task> onNext,
        long? afterSequence = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onNext);
        if (afterSequence < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(afterSequence), afterSequence, "A stream sequence is zero or positive.");
        }

        // Inside a grain, deliveries are turns of that grain, like any call it receives.
        var owner = TurnContext.Current?.Activation;
        var subscription = new StreamSubscription<T>(_hub, onNext, _typeInfo, owner);
        await _hub.AddAsync(subscription, afterSequence, cancellationToken).ConfigureAwait(false);
        return subscription;
    }
}
