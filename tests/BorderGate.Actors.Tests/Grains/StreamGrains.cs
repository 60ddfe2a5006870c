using BorderGate.Actors.Streams;

namespace BorderGate.Actors.Tests.Grains;

public sealed record Reading(string Source, int Value);

public interface IPublisherGrain : IGrainWithStringKey
{
    Task<long> Publish(string streamKey, int value);
}

public sealed class PublisherGrain : Grain, IPublisherGrain
{
    public Task<long> Publish(string streamKey, int value) =>
        GetStreamProvider(StreamProviderNames.Default)
            .GetStream<Reading>(new StreamId("readings", streamKey))
            .OnNextAsync(new Reading(GrainKey, value))
            .AsTask();
}

public interface ISubscriberGrain : IGrainWithStringKey
{
    Task Subscribe(string streamKey);

    Task<IReadOnlyList<long>> Received();

    Task<int> Overlaps();
}

public sealed class SubscriberGrain : Grain, ISubscriberGrain
{
    private readonly List<long> _received = [];
    private StreamSubscriptionHandle? _subscription;
    private int _running;
    private int _overlaps;

    public async Task Subscribe(string streamKey)
    {
        var stream = GetStreamProvider(StreamProviderNames.Default).GetStream<Reading>(new StreamId("readings", streamKey));
        _subscription = await stream.SubscribeAsync(async (e, _) =>
        {
            if (Interlocked.Increment(ref _running) != 1)
            {
                _overlaps++;
            }

            await Task.Yield();
            _received.Add(e.Sequence);
            Interlocked.Decrement(ref _running);
        });
    }

    public Task<IReadOnlyList<long>> Received() => Task.FromResult<IReadOnlyList<long>>([.. _received]);

    public Task<int> Overlaps() => Task.FromResult(_overlaps);

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync();
        }
    }
}
