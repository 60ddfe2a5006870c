using BorderGate.Actors;
using BorderGate.Actors.Streams;
using BorderGate.Contracts.Crossing;

namespace BorderGate.Grains;

/// <summary>Publishing on a crossing's feed (<see cref="CrossingEvent.StreamFor"/>), the same way for every grain that does.</summary>
internal static class CrossingFeed
{
    /// <summary>
    /// Publishes <paramref name="crossingEvent"/> on its crossing's feed. What it reports is stored already and stands: a feed
    /// that cannot be written to (storage outage) is counted and its error returned for the caller to log, not thrown, and
    /// watchers recover from a snapshot.
    /// </summary>
    public static Task<GrainStorageException?> TryPublishAsync(IStreamProvider streams, CrossingEvent crossingEvent) =>
        TryPublishAsync(Of(streams, crossingEvent.CrossingId), crossingEvent);

    /// <summary>
    /// Publishes <paramref name="crossingEvent"/> without the publisher waiting for the feed's commit: its step is stored
    /// already and stands. The event is handed to the log before this returns (the storage providers sequence a stream's
    /// appends in the order they are handed over), so the feed keeps the order of the calls: a truck's steps in order,
    /// and across publishers cause before effect (a truck leaving a lane before the next truck is called to it: waiting
    /// for its earlier step's commit first once let the next truck's call reach the feed before it). A failure is counted
    /// and handed to <paramref name="onFailure"/> to log; watchers recover from a snapshot.
    /// </summary>
    public static async Task PublishInOrderAsync(IAsyncStream<CrossingEvent> feed, CrossingEvent crossingEvent, Action<Exception> onFailure)
    {
        try
        {
            if (await TryPublishAsync(feed, crossingEvent).ConfigureAwait(false) is { } failure)
            {
                onFailure(failure);
            }
        }
        catch (Exception exception)
        {
            // Nobody awaits this publication: whatever went wrong is counted and logged here.
            Diagnostics.FeedPublishFailures.Add(1);
            onFailure(exception);
        }
    }

    private static async Task<GrainStorageException?> TryPublishAsync(IAsyncStream<CrossingEvent> feed, CrossingEvent crossingEvent)
    {
        try
        {
            await feed.OnNextAsync(crossingEvent).ConfigureAwait(false);
            return null;
        }
        catch (GrainStorageException exception)
        {
            Diagnostics.FeedPublishFailures.Add(1);
            return exception;
        }
    }

    /// <summary>The feed of <paramref name="crossingId"/>.</summary>
    public static IAsyncStream<CrossingEvent> Of(IStreamProvider streams, string crossingId) =>
        streams.GetStream<CrossingEvent>(CrossingEvent.StreamFor(crossingId));
}
