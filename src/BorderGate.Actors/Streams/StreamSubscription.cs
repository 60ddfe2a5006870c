using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using BorderGate.Actors.Runtime;
using Microsoft.Extensions.Logging;

namespace BorderGate.Actors.Streams;

/// <summary>
/// One subscriber's delivery loop: catches up from the event log, then takes live events; any hole in the
/// sequence (a late subscriber, a slow append) is filled from the log, and nothing at or below the last
/// delivered sequence is delivered again.
/// </summary>
internal sealed partial class StreamSubscription<T> : StreamSubscriptionHandle, IHubSubscriber
{
    private const int CatchUpPageSize = 512;
    private readonly StreamHub _hub;
    private readonly Func<StreamEvent<T>, CancellationToken, Task> _onNext;
    private readonly JsonTypeInfo<T> _typeInfo;
    private readonly ActivationData? _owner;
    private readonly Channel<HubEvent> _live = Channel.CreateUnbounded<HubEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _disposed = new();
    private Task _loop = Task.CompletedTask;
    private long _lastDelivered;
    private long _liveFrom;

    public StreamSubscription(StreamHub hub, Func<StreamEvent<T>, CancellationToken, Task> onNext, JsonTypeInfo<T> typeInfo, ActivationData? owner)
    {
        _hub = hub;
        _onNext = onNext;
        _typeInfo = typeInfo;
        _owner = owner;
    }

    public override StreamId StreamId => _hub.StreamId;

    public override long LastDeliveredSequence => Volatile.Read(ref _lastDelivered);

    public void Begin(long afterSequence, long liveFrom)
    {
        _lastDelivered = afterSequence;
        _liveFrom = liveFrom;
        _loop = Task.Run(RunAsync);
    }

    public void Offer(HubEvent hubEvent) => _live.Writer.TryWrite(hubEvent);

    public override async ValueTask DisposeAsync()
    {
        _hub.Remove(this);
        _live.Writer.TryComplete();
        await _disposed.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Disposed mid-delivery.
        }

        _disposed.Dispose();
    }

    private async Task RunAsync()
    {
        var cancellationToken = _disposed.Token;
        try
        {
            await CatchUpAsync(_liveFrom, cancellationToken).ConfigureAwait(false);
            await foreach (var hubEvent in _live.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (hubEvent.Sequence <= _lastDelivered)
                {
                    continue;
                }

                if (hubEvent.CatchUpOnly)
                {
                    await CatchUpAsync(hubEvent.Sequence, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (hubEvent.Sequence > _lastDelivered + 1)
                {
                    await CatchUpAsync(hubEvent.Sequence - 1, cancellationToken).ConfigureAwait(false);
                }

                var item = hubEvent.Item is T typed ? typed : Deserialize(hubEvent.Payload);
                await DeliverAsync(new StreamEvent<T>(StreamId, hubEvent.Sequence, item, hubEvent.Timestamp), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Unsubscribed.
        }
        catch (Exception exception)
        {
            LogSubscriptionFailed(_hub.Runtime.Logger, StreamId.ToString(), exception);
        }
    }

    /// <summary>Delivers stored events after the last delivered one, up to <paramref name="upTo"/>.</summary>
    private async Task CatchUpAsync(long upTo, CancellationToken cancellationToken)
    {
        while (_lastDelivered < upTo)
        {
            var page = await _hub.EventLog.ReadAsync(StreamId, _lastDelivered, (int)Math.Min(CatchUpPageSize, upTo - _lastDelivered), cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                return;
            }

            foreach (var record in page)
            {
                await DeliverAsync(new StreamEvent<T>(StreamId, record.Sequence, Deserialize(record.Payload), record.Timestamp), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task DeliverAsync(StreamEvent<T> streamEvent, CancellationToken cancellationToken)
    {
        try
        {
            if (_owner is null)
            {
                await _onNext(streamEvent, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var turn = new SystemTurn(ct => _onNext(streamEvent, ct), TurnKind.Exclusive, keepsAlive: true, cancellationToken);
                if (!_owner.TryEnqueue(turn))
                {
                    // The subscribing activation is gone: so is its subscription.
                    _hub.Remove(this);
                    _live.Writer.TryComplete();
                    return;
                }

                await turn.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogHandlerFailed(_hub.Runtime.Logger, StreamId.ToString(), streamEvent.Sequence, exception);
        }

        Volatile.Write(ref _lastDelivered, streamEvent.Sequence);
    }

    private T Deserialize(ReadOnlyMemory<byte> payload)
    {
        try
        {
            return JsonSerializer.Deserialize(payload.Span, _typeInfo)!;
        }
        catch (JsonException exception)
        {
            throw new GrainStateSerializationException($"An event of stream {StreamId} is not valid JSON for {typeof(T).Name}: {exception.Message}", exception);
        }
    }

    [LoggerMessage(1401, LogLevel.Error, "Subscription to stream {StreamId} stopped")]
    private static partial void LogSubscriptionFailed(ILogger logger, string streamId, Exception exception);

    [LoggerMessage(1402, LogLevel.Warning, "A subscriber of stream {StreamId} failed on event {Sequence}")]
    private static partial void LogHandlerFailed(ILogger logger, string streamId, long sequence, Exception exception);
}
