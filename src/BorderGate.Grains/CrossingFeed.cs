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
    public static async Task<GrainStorageException?> TryPublishAsync(IStreamProvider streams, CrossingEvent crossingEvent)
    {
        try
        {
            await streams.GetStream<CrossingEvent>(CrossingEvent.StreamFor(crossingEvent.CrossingId)).OnNextAsync(crossingEvent);
            return null;
        }
        catch (GrainStorageException exception)
        {
            Diagnostics.FeedPublishFailures.Add(1);
            return exception;
        }
    }
}
