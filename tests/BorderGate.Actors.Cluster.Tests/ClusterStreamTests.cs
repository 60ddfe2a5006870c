using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using BorderGate.Actors.Streams;
using BorderGate.ClusterTestHost;
using BorderGate.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Actors.Cluster.Tests;

/// <summary>
/// Streams across three silos on real PostgreSQL: a subscriber on one silo receives, in order and once each, events
/// published by grains on others; resumes by sequence anywhere; and gets events whose news never came from the log.
/// </summary>
public sealed class ClusterStreamTests() : ThreeSiloTests(
    "cluster_streams",
    // Silo 0 checks the log only hourly: what its subscribers get in a test came as news from the other silos.
    i => i == 0 ? o => o.StreamCatchUpInterval = TimeSpan.FromHours(1) : null)
{
    /// <summary>Two publishing grains on two other silos, interleaved on one stream: the subscriber gets 1..N in order, once each.</summary>
    [Fact]
    public async Task SubscriberOnOneSilo_ReceivesEventsPublishedByGrainsOnTheOthers_InOrder_OnceEach()
    {
        var received = new ConcurrentQueue<StreamEvent<FeedItem>>();
        await using var subscription = await Stream(Silos[0], "lane-3").SubscribeAsync((e, _) =>
        {
            received.Enqueue(e);
            return Task.CompletedTask;
        });

        // The publishers live on silos 1 and 2 (first called there).
        var publishers = new[] { Silos[1].Grains.GetGrain<IFeedGrain>("camera-1"), Silos[2].Grains.GetGrain<IFeedGrain>("camera-2") };
        await Task.WhenAll(publishers.Select((p, i) => p.Publish("lane-3", $"warm-up {i}")));
        await Task.WhenAll(Enumerable.Range(0, 2).Select(async p =>
        {
            for (var i = 0; i < 100; i++)
            {
                await publishers[p].Publish("lane-3", $"p{p}-{i}");
            }
        }));

        await Wait.WaitUntil(() => received.Count >= 202, TimeSpan.FromSeconds(10), "every event received");
        await Task.Delay(200);
        var events = received.ToList();
        Assert.Equal(Enumerable.Range(1, 202).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.DoesNotContain(events, e => e.Item.Silo == Silos[0].Name);
        Assert.Contains(events, e => e.Item.Silo == Silos[1].Name);
        Assert.Contains(events, e => e.Item.Silo == Silos[2].Name);
        for (var p = 0; p < 2; p++)
        {
            Assert.Equal(Enumerable.Range(0, 100).Select(i => $"p{p}-{i}"), events.Select(e => e.Item.Text).Where(t => t.StartsWith($"p{p}-", StringComparison.Ordinal)));
        }
    }

    /// <summary>A subscriber that resumes after sequence 3 on another silo gets 4.. from the log, then the live ones, without a gap.</summary>
    [Fact]
    public async Task Subscriber_ResumesBySequence_OnAnotherSilo()
    {
        var publisher = Silos[1].Grains.GetGrain<IFeedGrain>("weighbridge-1");
        for (var i = 1; i <= 5; i++)
        {
            await publisher.Publish("yard", $"stored {i}");
        }

        var received = new ConcurrentQueue<long>();
        await using var subscription = await Stream(Silos[0], "yard").SubscribeAsync(
            (e, _) =>
            {
                received.Enqueue(e.Sequence);
                return Task.CompletedTask;
            },
            afterSequence: 3);
        for (var i = 6; i <= 8; i++)
        {
            await publisher.Publish("yard", $"live {i}");
        }

        await Wait.WaitUntil(() => received.Count >= 5, TimeSpan.FromSeconds(10), "stored and live events received");
        Assert.Equal([4L, 5, 6, 7, 8], received);
    }

    /// <summary>
    /// An event appended to the log whose news never reached this silo (its publisher died first) is delivered all the
    /// same, from the log, at the next catch-up — and the next live event after it follows in order.
    /// </summary>
    [Fact]
    public async Task EventWhoseNewsNeverCame_IsDeliveredFromTheLog()
    {
        var received = new ConcurrentQueue<StreamEvent<FeedItem>>();
        await using var subscription = await Stream(Silos[2], "crane-2").SubscribeAsync((e, _) =>
        {
            received.Enqueue(e);
            return Task.CompletedTask;
        });
        await Silos[1].Grains.GetGrain<IFeedGrain>("crane-2").Publish("crane-2", "move 1");
        await Wait.WaitUntil(() => received.Count == 1, TimeSpan.FromSeconds(10), "the first event received");

        // Appended as a silo would, but nobody told.
        var eventLog = Silos[0].Runtime.Services.GetRequiredService<IEventLog>();
        var silent = JsonSerializer.SerializeToUtf8Bytes(new FeedItem("move 2", "a silo that died"), Silos[0].Runtime.Options.JsonSerializerOptions);
        Assert.Equal(2, await eventLog.AppendAsync(new StreamId("feed", "crane-2"), nameof(FeedItem), silent, DateTimeOffset.UtcNow, CancellationToken.None));

        await Wait.WaitUntil(() => received.Count == 2, TimeSpan.FromSeconds(5), "the untold event delivered from the log");
        await Silos[1].Grains.GetGrain<IFeedGrain>("crane-2").Publish("crane-2", "move 3");
        await Wait.WaitUntil(() => received.Count == 3, TimeSpan.FromSeconds(10), "the next live event received");
        Assert.Equal(["move 1", "move 2", "move 3"], received.Select(e => e.Item.Text));
    }

    /// <summary>Stream news the silo cannot read is dropped and counted; its subscriptions and grains serve on.</summary>
    [Theory]
    [InlineData("event", new byte[] { 1, 2, 3 })]
    [InlineData("event", new byte[] { 4, (byte)'f', (byte)'e', (byte)'e', (byte)'d', 0 })]
    [InlineData("rewrite-history", new byte[0])]
    public async Task UnreadableStreamNews_IsDropped_AndTheSiloServesOn(string method, byte[] payload)
    {
        var received = new ConcurrentQueue<long>();
        await using var subscription = await Stream(Silos[0], "gate").SubscribeAsync((e, _) =>
        {
            received.Enqueue(e.Sequence);
            return Task.CompletedTask;
        });
        await using var stranger = ClusterTestSilo.Stranger();

        await stranger.SendOneWayAsync(Silos[0].Runtime.Cluster!.Self, Networking.Frame.Request(StreamForwarder.TargetType, StreamProviderNames.Default, method, payload));
        await stranger.SendOneWayAsync(Silos[0].Runtime.Cluster!.Self, Networking.Frame.Request(StreamForwarder.TargetType, "no-such-provider", "event", Encoding.UTF8.GetBytes("x")));
        await Silos[1].Grains.GetGrain<IFeedGrain>("barrier").Publish("gate", "open");

        await Wait.WaitUntil(() => received.Count == 1, TimeSpan.FromSeconds(10), "the real event received");
        Assert.Equal([1L], received);
    }

    private static IAsyncStream<FeedItem> Stream(ClusterTestSilo silo, string key) =>
        silo.Runtime.GetStreamProvider(StreamProviderNames.Default).GetStream<FeedItem>(new StreamId("feed", key));
}
