using System.Diagnostics.Metrics;
using BorderGate.Actors.Diagnostics;
using BorderGate.Actors.Networking;

namespace BorderGate.Actors.Networking.Tests;

/// <summary>
/// A silo offered more than it can take sheds the excess at once, as overloaded, instead of queuing it until it stalls:
/// requests over its limit of running ones, and senders over the queue's capacity of waiting ones.
/// </summary>
public sealed class OverloadTests : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<string> _shed = [];

    public OverloadTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == ActorDiagnostics.TransportRequestsShedInstrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == ActorDiagnostics.TransportReasonTag)
                {
                    lock (_shed)
                    {
                        _shed.Add((string)tag.Value!);
                    }
                }
            }
        });
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task RequestsOverTheLimit_AreShedAtOnce_SystemRequestsStillServed_AndServedAgainOnceBelow()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = Transports.Start(
            async (frame, _) =>
            {
                if (!frame.TargetType!.StartsWith('$'))
                {
                    await release.Task;
                }

                return Frame.ResponseTo(frame, frame.Payload);
            },
            configure: o => o.MaxConcurrentRequests = 4);
        await using var client = Transports.Start();
        var running = Enumerable.Range(0, 4).Select(i => client.SendRequestAsync(server.LocalAddress, Transports.Request($"call {i}"))).ToArray();
        await Eventually.TrueAsync(() => server.RunningRequestCount == 4);

        var shed = await Assert.ThrowsAsync<SiloOverloadedException>(() => client.SendRequestAsync(server.LocalAddress, Transports.Request("one too many")));
        var probe = await client.SendRequestAsync(server.LocalAddress, Frame.Request("$membership", string.Empty, "probe", default));

        Assert.Equal(server.LocalAddress.ToString(), shed.Silo);
        Assert.Contains("limit of 4 requests", shed.Message, StringComparison.Ordinal);
        Assert.Equal(FrameKind.Response, probe.Kind);
        Assert.All(running, call => Assert.False(call.IsCompleted));
        lock (_shed)
        {
            Assert.Contains("busy", _shed);
        }

        release.SetResult();
        Assert.Equal(Enumerable.Range(0, 4).Select(i => $"call {i}"), (await Task.WhenAll(running)).Select(Transports.Text));

        // A request counts until its answer is queued, a moment after the answer may have arrived.
        await Eventually.TrueAsync(() => server.RunningRequestCount == 0);
        Assert.Equal("again", Transports.Text(await client.SendRequestAsync(server.LocalAddress, Transports.Request("again"))));
    }

    [Fact]
    public async Task OnePeerFlooding_TakesAtMostThreeQuarters_TheOthersStillGetTheirShare()
    {
        // Limit 8 and two peers: anyone may take places while six or fewer run; past that, only a peer running fewer than its
        // share (8 / 2 = 4). A peer alone may take all eight (the test above).
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = Transports.Start(
            async (frame, _) =>
            {
                await release.Task;
                return Frame.ResponseTo(frame, frame.Payload);
            },
            configure: o => o.MaxConcurrentRequests = 8);
        await using var quiet = Transports.Start();
        await using var flooder = Transports.Start();
        var quietCalls = new List<Task<Frame>> { quiet.SendRequestAsync(server.LocalAddress, Transports.Request("quiet 0")) };
        await Eventually.TrueAsync(() => server.RunningRequestCount == 1);

        var flood = Enumerable.Range(0, 20).Select(i => flooder.SendRequestAsync(server.LocalAddress, Transports.Request($"flood {i}"))).ToList();
        await Eventually.TrueAsync(() => flood.Count(c => c.IsFaulted) == 15);
        Assert.Equal(6, server.RunningRequestCount);
        var unfair = Assert.IsType<SiloOverloadedException>(flood.First(c => c.IsFaulted).Exception!.InnerException);
        Assert.Contains("this caller's share of them (4)", unfair.Message, StringComparison.Ordinal);

        // The quiet peer still gets its places, up to the limit; then the limit holds for it too.
        quietCalls.Add(quiet.SendRequestAsync(server.LocalAddress, Transports.Request("quiet 1")));
        quietCalls.Add(quiet.SendRequestAsync(server.LocalAddress, Transports.Request("quiet 2")));
        await Eventually.TrueAsync(() => server.RunningRequestCount == 8);
        var full = await Assert.ThrowsAsync<SiloOverloadedException>(() => quiet.SendRequestAsync(server.LocalAddress, Transports.Request("quiet 3")));
        Assert.Contains("limit of 8 requests", full.Message, StringComparison.Ordinal);
        lock (_shed)
        {
            Assert.Equal(15, _shed.Count(r => r == "fair_share"));
            Assert.Contains("busy", _shed);
        }

        release.SetResult();
        Assert.Equal(["quiet 0", "quiet 1", "quiet 2"], (await Task.WhenAll(quietCalls)).Select(Transports.Text));
        Assert.Equal(5, (await Task.WhenAll(flood.Where(c => !c.IsFaulted))).Length);
        await Eventually.TrueAsync(() => server.RunningRequestCount == 0);
    }

    [Fact]
    public async Task FailingHandlers_GiveBackTheirPlaces()
    {
        // Half fail before their first await, half after: either way the request's place is given back, so that a silo
        // whose calls fail does not end up shedding everything.
        await using var server = Transports.Start(
            (frame, _) => frame.Payload.Span[^1] % 2 == 0
                ? throw new InvalidOperationException("the grain failed at once")
                : FailLaterAsync(),
            configure: o => o.MaxConcurrentRequests = 2);
        await using var client = Transports.Start();

        for (var i = 0; i < 10; i++)
        {
            var answer = await client.SendRequestAsync(server.LocalAddress, Transports.Request($"call {i}"));
            Assert.Equal(TransportErrorCode.HandlerFailed, answer.ErrorCode);
        }

        await Eventually.TrueAsync(() => server.RunningRequestCount == 0);

        static async ValueTask<Frame?> FailLaterAsync()
        {
            await Task.Yield();
            throw new InvalidOperationException("the grain failed later");
        }
    }

    [Theory]
    [InlineData(30.0)]
    [InlineData(double.PositiveInfinity)] // a caller's "never" (DateTime.MaxValue): over a timer's limit, waited on for 30 days
    public async Task SendersOverTheQueueCapacity_AreTurnedAwayAtOnce_InsteadOfPilingUp(double deadlineSeconds)
    {
        // A peer that says hello and then reads nothing: the socket's buffers fill, the write loop waits on them, the queue
        // fills, then its capacity of senders waits; the next ones are turned away.
        await using var silent = await SilentPeer.ConnectAsync(queueCapacity: 2);
        var (peer, first) = (silent.Peer, silent.First);

        var calls = await silent.FloodAsync(
            120, 512 * 1024, double.IsInfinity(deadlineSeconds) ? DateTime.MaxValue.Ticks : DateTimeOffset.UtcNow.AddSeconds(deadlineSeconds).UtcTicks);

        var refused = calls.Where(c => c.IsFaulted).Select(c => c.Exception!.InnerException).ToList();
        Assert.All(refused, e => Assert.IsType<SiloOverloadedException>(e));
        Assert.Equal(peer.ToString(), ((SiloOverloadedException)refused[0]!).Silo);
        Assert.InRange(calls.Count(c => !c.IsCompleted), 2, 119);
        lock (_shed)
        {
            Assert.Contains("queue_full", _shed);
        }

        Assert.False(first.IsCompleted);
    }

    /// <summary>
    /// A probe queued behind grain calls on a connection whose peer reads slowly goes out ahead of them: a probe stuck
    /// behind thousands of calls would time out and get a live silo declared dead.
    /// </summary>
    [Fact]
    public async Task Probe_GoesAheadOfTheGrainCallsQueuedBeforeIt()
    {
        await using var silent = await SilentPeer.ConnectAsync(queueCapacity: 64);
        var (client, peer, raw) = (silent.Client, silent.Peer, silent.Raw);

        // The peer reads nothing yet: the socket's buffers fill, then the queue (64 frames), then its 64 waiters.
        var calls = await silent.FloodAsync(200, 256 * 1024);
        var queued = calls.Count(c => !c.IsCompleted);
        _ = client.SendRequestAsync(peer, Frame.Request("$membership", string.Empty, "probe", default, DateTimeOffset.UtcNow.AddSeconds(30).UtcTicks));

        // Now the peer reads: the probe comes before the calls still waiting in the queue when it was sent.
        var before = 0;
        while (await raw.ReceiveAsync() is { } frame && frame.TargetType != "$membership")
        {
            before++;
        }

        Assert.True(before < queued, $"the probe came after {before} of the {queued} calls queued before it");
    }

    /// <summary>
    /// A transport connected to a bare peer that says hello, reads the first request ("hello?", left unanswered, so that
    /// it is surely out before any flood) and then reads nothing unless the test makes it.
    /// </summary>
    private sealed class SilentPeer : IAsyncDisposable
    {
        private SilentPeer(SiloTransport client, SiloAddress peer, RawSilo raw, Task<Frame> first) => (Client, Peer, Raw, First) = (client, peer, raw, first);

        public SiloTransport Client { get; }

        public SiloAddress Peer { get; }

        public RawSilo Raw { get; }

        public Task<Frame> First { get; }

        public static async Task<SilentPeer> ConnectAsync(int queueCapacity)
        {
            var (endpoint, accepted) = RawSilo.ListenOnce();
            var client = Transports.Start(configure: o =>
            {
                o.OutgoingQueueCapacity = queueCapacity;
                o.MaxFrameSize = 1024 * 1024;
            });
            var peer = new SiloAddress(endpoint, 7);
            var first = client.SendRequestAsync(peer, Transports.Request("hello?"));
            var raw = await accepted;
            Assert.Equal(FrameKind.Hello, (await raw.ReceiveAsync())!.Kind);
            await raw.SendAsync(RawSilo.Hello());
            Assert.Equal("hello?", Transports.Text((await raw.ReceiveAsync())!));
            return new SilentPeer(client, peer, raw, first);
        }

        /// <summary>Sends <paramref name="count"/> requests of <paramref name="size"/> bytes at once, until one is turned away.</summary>
        public async Task<List<Task<Frame>>> FloodAsync(int count, int size, long? deadlineUtcTicks = null)
        {
            var payload = new string('x', size);
            var deadline = deadlineUtcTicks ?? DateTimeOffset.UtcNow.AddSeconds(30).UtcTicks;
            var calls = Enumerable.Range(0, count).Select(_ => Client.SendRequestAsync(Peer, Transports.Request(payload, deadline))).ToList();
            await Eventually.TrueAsync(() => calls.Any(c => c.IsFaulted));
            return calls;
        }

        public async ValueTask DisposeAsync()
        {
            await Raw.DisposeAsync();
            await Client.DisposeAsync();
        }
    }
}
