using System.Collections.Concurrent;
using System.Threading.Channels;
using BorderGate.Actors.Streams;
using BorderGate.Contracts.Crossing;

namespace BorderGate.Silo.Live;

/// <summary>
/// Hub connections that follow the crossing's durable feed, each on a subscription of its own: the subscription hands the
/// feed's events to a bounded queue, and one loop per connection runs its <see cref="FollowPlan"/> — what to send first,
/// then what to send for the events — awaiting each send. Events are sent in batches: once one is there, the loop waits
/// <c>batchWindow</c> for those that follow it and sends all that came (at most <see cref="MaxBatch"/>), so that a busy feed
/// costs a connection one message per window, not one per event. So a connection gets its messages in order,
/// and a slow one fills its own queue and slows only its own subscription, never the publishers or the other clients.
/// For the control room: a few operators, each at a sequence of its own. (Drivers' phones, thousands, each caring for
/// one truck, share one subscription instead: <see cref="DriverFollowers"/>.)
/// </summary>
internal sealed partial class FeedFollowers(IStreamProvider streams, string crossingId, TimeSpan batchWindow, TimeProvider time, ILogger logger) : IAsyncDisposable
{
    /// <summary>The most events one message carries.</summary>
    public const int MaxBatch = 512;

    /// <summary>Events waiting for a connection before its subscription waits for it.</summary>
    private const int Buffered = 4096;

    private readonly ConcurrentDictionary<string, Follower> _followers = new(StringComparer.Ordinal);

    public int Count => _followers.Count;

    /// <summary>Starts (or starts over) the connection's follow of the feed after <paramref name="afterSequence"/>.</summary>
    public async Task StartAsync(string connectionId, long afterSequence, FollowPlan plan, CancellationToken connectionAborted)
    {
        await StopAsync(connectionId).ConfigureAwait(false);
        var follower = new Follower(connectionId, Channel.CreateBounded<StreamEvent<CrossingEvent>>(new BoundedChannelOptions(Buffered) { SingleReader = true }));
        follower.Subscription = await streams.GetStream<CrossingEvent>(CrossingEvent.StreamFor(crossingId))
            .SubscribeAsync((e, ct) => follower.Queue.Writer.WriteAsync(e, ct).AsTask(), afterSequence, connectionAborted)
            .ConfigureAwait(false);
        if (!_followers.TryAdd(connectionId, follower))
        {
            // Two follows of one connection at once: the later one wins.
            await StopAsync(connectionId).ConfigureAwait(false);
            _followers[connectionId] = follower;
        }

        follower.Pump = Task.Run(() => PumpAsync(follower, plan), CancellationToken.None);
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

    private async Task PumpAsync(Follower follower, FollowPlan plan)
    {
        var stopping = follower.Stopping.Token;
        try
        {
            if (plan.First is { } first)
            {
                await first(stopping).ConfigureAwait(false);
            }

            var reader = follower.Queue.Reader;
            var batch = new List<StreamEvent<CrossingEvent>>(MaxBatch);
            while (await reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                if (batchWindow > TimeSpan.Zero && reader.Count < MaxBatch)
                {
                    await Task.Delay(batchWindow, time, stopping).ConfigureAwait(false);
                }

                while (batch.Count < MaxBatch && reader.TryRead(out var next))
                {
                    batch.Add(next);
                }

                await plan.OnEvents(batch, stopping).ConfigureAwait(false);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The connection left or follows again.
        }
        catch (Exception exception)
        {
            LogPumpFailed(logger, exception, follower.ConnectionId);
        }
    }

    [LoggerMessage(4202, LogLevel.Warning, "Hub connection {ConnectionId}: sending what it follows failed; it follows no more until it asks again")]
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

/// <summary>What a follow sends: something first (a snapshot), then the feed's events, a batch at a time (the list is reused: copy what is kept).</summary>
internal sealed record FollowPlan(Func<IReadOnlyList<StreamEvent<CrossingEvent>>, CancellationToken, Task> OnEvents, Func<CancellationToken, Task>? First = null);
