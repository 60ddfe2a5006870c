using BorderGate.TestSupport;
using BorderGate.Actors.Streams;
using BorderGate.Actors.Tests.Grains;

namespace BorderGate.Actors.Tests.Runtime;

public sealed class StreamTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private IAsyncStream<Reading> Stream(string key) =>
        fixture.Cluster.Runtime.GetStreamProvider(StreamProviderNames.Default).GetStream<Reading>(new StreamId("readings", key));

    [Fact]
    public async Task Publish_FromGrains_SubscriberReceivesInSequenceOrder()
    {
        var key = Guid.NewGuid().ToString("N");
        var received = new List<StreamEvent<Reading>>();
        await using var subscription = await Stream(key).SubscribeAsync((e, _) =>
        {
            lock (received)
            {
                received.Add(e);
            }

            return Task.CompletedTask;
        });

        var publishers = Enumerable.Range(0, 5).Select(i => fixture.Grains.GetGrain<IPublisherGrain>($"pub-{key}-{i}")).ToArray();
        var sequences = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => publishers[i % 5].Publish(key, i)));

        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), sequences.Order());
        await Wait.WaitUntil(() => subscription.LastDeliveredSequence == 100, TimeSpan.FromSeconds(10), "all events delivered");
        lock (received)
        {
            Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), received.Select(e => e.Sequence));
            Assert.All(received, e => Assert.Equal(key, e.StreamId.Key));
        }
    }

    [Fact]
    public async Task Subscribe_AfterLastSeenSequence_ReceivesEverythingAfterItOnce()
    {
        var key = Guid.NewGuid().ToString("N");
        var publisher = fixture.Grains.GetGrain<IPublisherGrain>($"resume-{key}");
        for (var i = 0; i < 10; i++)
        {
            await publisher.Publish(key, i);
        }

        var received = new List<long>();
        await using var subscription = await Stream(key).SubscribeAsync((e, _) =>
        {
            lock (received)
            {
                received.Add(e.Sequence);
            }

            return Task.CompletedTask;
        }, afterSequence: 4);

        // Events keep coming while the subscriber catches up.
        var live = Task.WhenAll(Enumerable.Range(10, 40).Select(i => publisher.Publish(key, i)));
        await live;
        await Wait.WaitUntil(() => subscription.LastDeliveredSequence == 50, TimeSpan.FromSeconds(10), "caught up and live");
        lock (received)
        {
            Assert.Equal(Enumerable.Range(5, 46).Select(i => (long)i), received);
        }
    }

    [Fact]
    public async Task Subscribe_LiveOnly_StartsAfterCurrentEnd()
    {
        var key = Guid.NewGuid().ToString("N");
        var publisher = fixture.Grains.GetGrain<IPublisherGrain>($"live-{key}");
        await publisher.Publish(key, 1);

        var received = new List<long>();
        await using var subscription = await Stream(key).SubscribeAsync((e, _) =>
        {
            received.Add(e.Sequence);
            return Task.CompletedTask;
        });
        await publisher.Publish(key, 2);
        await Wait.WaitUntil(() => subscription.LastDeliveredSequence == 2, TimeSpan.FromSeconds(10), "the live event");
        Assert.Equal([2L], received);
    }

    [Fact]
    public async Task GrainSubscriber_ReceivesEventsAsItsOwnTurns()
    {
        var key = Guid.NewGuid().ToString("N");
        var subscriber = fixture.Grains.GetGrain<ISubscriberGrain>($"sub-{key}");
        await subscriber.Subscribe(key);

        var publisher = fixture.Grains.GetGrain<IPublisherGrain>($"pub-{key}");
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => publisher.Publish(key, i)));

        await Wait.WaitUntil(async () => (await subscriber.Received()).Count == 30, TimeSpan.FromSeconds(10), "the grain received every event");
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), await subscriber.Received());
        Assert.Equal(0, await subscriber.Overlaps());
    }

    [Fact]
    public async Task Publish_EventsAreInTheDurableLog()
    {
        var key = Guid.NewGuid().ToString("N");
        await fixture.Grains.GetGrain<IPublisherGrain>($"log-{key}").Publish(key, 42);
        var records = await fixture.Cluster.EventLog.ReadAsync(new StreamId("readings", key), 0, 10, CancellationToken.None);
        var record = Assert.Single(records);
        Assert.Equal(1, record.Sequence);
        Assert.Contains("42", System.Text.Encoding.UTF8.GetString(record.Payload.Span), StringComparison.Ordinal);
    }
}
