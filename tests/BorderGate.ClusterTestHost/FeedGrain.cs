using BorderGate.Actors;
using BorderGate.Actors.Hosting;
using BorderGate.Actors.Streams;

namespace BorderGate.ClusterTestHost;

/// <summary>A grain that publishes to a stream (the streams-across-silos tests): says which silo published.</summary>
public interface IFeedGrain : IGrainWithStringKey
{
    /// <summary>Publishes <paramref name="text"/> to the stream ("feed", <paramref name="streamKey"/>); returns its sequence.</summary>
    Task<long> Publish(string streamKey, string text);
}

public sealed record FeedItem(string Text, string Silo);

public sealed class FeedGrain(ActorRuntime runtime) : Grain, IFeedGrain
{
    public Task<long> Publish(string streamKey, string text) =>
        runtime.GetStreamProvider(StreamProviderNames.Default).GetStream<FeedItem>(new StreamId("feed", streamKey))
            .OnNextAsync(new FeedItem(text, runtime.Cluster!.Name)).AsTask();
}
