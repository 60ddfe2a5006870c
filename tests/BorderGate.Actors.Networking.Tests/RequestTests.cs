using System.Diagnostics;
using System.Net;
using BorderGate.Actors.Diagnostics;
using BorderGate.Actors.Networking;
using Microsoft.Extensions.Time.Testing;

namespace BorderGate.Actors.Networking.Tests;

public sealed class RequestTests
{
    [Fact]
    public async Task Request_AcrossTwoTransports_GetsItsResponse()
    {
        Frame? received = null;
        await using var server = Transports.Start((frame, _) =>
        {
            received = frame;
            return ValueTask.FromResult<Frame?>(Frame.ResponseTo(frame, "pong"u8.ToArray()));
        });
        await using var client = Transports.Start();

        var response = await client.SendRequestAsync(server.LocalAddress, Transports.Request("ping"));

        Assert.Equal((FrameKind.Response, "pong"), (response.Kind, Transports.Text(response)));
        Assert.Equal(("lane", "huu-nghi/lane-3", "ILaneGrain.Ping(String)", "ping"), (received!.TargetType, received.TargetKey, received.Method, Transports.Text(received)));
        Assert.Equal(server.LocalAddress.Generation, received.TargetGeneration);
        Assert.NotEqual(0, received.DeadlineUtcTicks);
        Assert.Equal(0, client.PendingRequestCount);
    }

    [Fact]
    public async Task ThousandConcurrentRequests_EachGetsItsOwnResponse()
    {
        // Half the answers come later, from another thread, so that responses overtake each other.
        await using var server = Transports.Start(async (frame, _) =>
        {
            if (frame.Payload.Span[^1] % 2 == 0)
            {
                await Task.Yield();
            }

            return Frame.ResponseTo(frame, frame.Payload);
        });
        await using var client = Transports.Start();

        var calls = Enumerable.Range(0, 1000).Select(i => Task.Run(() => client.SendRequestAsync(server.LocalAddress, Transports.Request($"call {i}")))).ToArray();
        var responses = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"call {i}"), responses.Select(Transports.Text));
        Assert.Equal(0, client.PendingRequestCount);
    }

    [Fact]
    public async Task OneWay_ReachesTheHandler()
    {
        var delivered = new TaskCompletionSource<Frame>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = Transports.Start((frame, _) =>
        {
            delivered.TrySetResult(frame);
            return ValueTask.FromResult<Frame?>(null);
        });
        await using var client = Transports.Start();

        await client.SendOneWayAsync(server.LocalAddress, Frame.OneWay("gate", "g1", "IGate.Notify()", "note"u8.ToArray()));

        var frame = await delivered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((FrameKind.OneWay, "note"), (frame.Kind, Transports.Text(frame)));
    }

    [Fact]
    public async Task HandlerThatThrows_IsAnsweredWithAnErrorFrame()
    {
        await using var server = Transports.Start((_, _) => throw new InvalidOperationException("lane closed"));
        await using var client = Transports.Start();

        var response = await client.SendRequestAsync(server.LocalAddress, Transports.Request("x"));

        Assert.Equal((FrameKind.Error, TransportErrorCode.HandlerFailed, "lane closed"), (response.Kind, response.ErrorCode, response.ErrorMessage));
    }

    /// <summary>
    /// Grain code's exception messages are data: one holding half of a surrogate pair (a name cut at a fixed length) cannot
    /// be encoded as it is. The caller gets the error with U+FFFD in its place, and the connection serves on — before, the
    /// encoder's exception closed the connection (a handler that threw at once) or left the caller waiting for its deadline
    /// (one that threw later).
    /// </summary>
    [Fact]
    public async Task HandlerThatThrowsWithHalfASurrogatePair_IsAnsweredWithTheError_AndTheConnectionServesOn()
    {
        var cut = "lane 😀"[..6];
        await using var server = Transports.Start((frame, _) => Transports.Text(frame) switch
        {
            "at once" => throw new InvalidOperationException($"no truck {cut}"),
            "later" => FailLaterAsync(),
            _ => Transports.Echo(frame, default),
        });
        await using var client = Transports.Start();

        foreach (var call in new[] { "at once", "later" })
        {
            var response = await client.SendRequestAsync(server.LocalAddress, Transports.Request(call, DateTimeOffset.UtcNow.AddSeconds(5).UtcTicks));
            Assert.Equal((FrameKind.Error, TransportErrorCode.HandlerFailed, "no truck lane \uFFFD"), (response.Kind, response.ErrorCode, response.ErrorMessage));
        }

        Assert.Equal("still here", Transports.Text(await client.SendRequestAsync(server.LocalAddress, Transports.Request("still here"))));
        Assert.Equal(1, server.InboundConnectionCount);

        async ValueTask<Frame?> FailLaterAsync()
        {
            await Task.Yield();
            throw new InvalidOperationException($"no truck {cut}");
        }
    }

    /// <summary>
    /// A request's deadline holds while its connection is being opened: a silo that accepts and never says hello (or drops
    /// the packets) fails the call when its deadline passes, not after the whole connect timeout (5 s here).
    /// </summary>
    [Fact]
    public async Task Request_ToASiloThatNeverAnswersTheHello_FailsAtItsDeadline()
    {
        var (endpoint, accepted) = RawSilo.ListenOnce();
        await using var client = Transports.Start(configure: o => o.ConnectTimeout = TimeSpan.FromSeconds(5));

        var call = client.SendRequestAsync(new SiloAddress(endpoint, 7), Transports.Request("anyone?", DateTimeOffset.UtcNow.AddSeconds(1).UtcTicks));
        await using var silent = await accepted;

        await Assert.ThrowsAsync<GrainCallTimeoutException>(() => call);
    }

    [Fact]
    public async Task Request_WhoseDeadlinePasses_FailsWithGrainCallTimeoutException()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var never = new TaskCompletionSource<Frame?>();
        await using var server = Transports.Start((_, _) => new ValueTask<Frame?>(never.Task));
        await using var client = Transports.Start(time: time);

        var call = client.SendRequestAsync(server.LocalAddress, Transports.Request("slow", time.GetUtcNow().AddSeconds(2).UtcTicks));
        await Eventually.TrueAsync(() => client.PendingRequestCount == 1);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(call.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(1.5));

        await Assert.ThrowsAsync<GrainCallTimeoutException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, client.PendingRequestCount);
    }

    [Fact]
    public async Task Request_CancelledByTheCaller_IsForgotten()
    {
        var never = new TaskCompletionSource<Frame?>();
        await using var server = Transports.Start((_, _) => new ValueTask<Frame?>(never.Task));
        await using var client = Transports.Start();
        using var cts = new CancellationTokenSource();

        var call = client.SendRequestAsync(server.LocalAddress, Transports.Request("x"), cts.Token);
        await Eventually.TrueAsync(() => client.PendingRequestCount == 1);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(0, client.PendingRequestCount);
    }

    [Fact]
    public async Task RemoteKilledMidFlight_InFlightAndNewRequests_FailFastWithSiloUnavailable()
    {
        var arrived = 0;
        var never = new TaskCompletionSource<Frame?>();
        var server = Transports.Start((_, _) =>
        {
            Interlocked.Increment(ref arrived);
            return new ValueTask<Frame?>(never.Task);
        });
        await using var client = Transports.Start();
        var target = server.LocalAddress;
        var inFlight = Enumerable.Range(0, 50).Select(i => client.SendRequestAsync(target, Transports.Request($"call {i}"))).ToArray();
        await Eventually.TrueAsync(() => Volatile.Read(ref arrived) == 50);

        var watch = Stopwatch.StartNew();
        await server.DisposeAsync();
        foreach (var call in inFlight)
        {
            await Assert.ThrowsAsync<SiloUnavailableException>(() => call);
        }

        var inFlightFailedAfter = watch.Elapsed;
        watch.Restart();
        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => client.SendRequestAsync(target, Transports.Request("after")));
        var newFailedAfter = watch.Elapsed;

        Assert.True(inFlightFailedAfter < TimeSpan.FromSeconds(1), $"in-flight requests failed after {inFlightFailedAfter}");
        Assert.True(newFailedAfter < TimeSpan.FromSeconds(1), $"a new request failed after {newFailedAfter}");
        Assert.Equal(target.ToString(), error.Silo);
        Assert.Equal(0, client.PendingRequestCount);
    }

    [Fact]
    public async Task RemoteComesBack_OnTheSameEndpoint_TheClientReconnects()
    {
        var server = Transports.Start(generation: 77);
        var target = server.LocalAddress;
        await using var client = Transports.Start(configure: o => o.MaxReconnectBackoff = TimeSpan.FromMilliseconds(400));
        Assert.Equal("one", Transports.Text(await client.SendRequestAsync(target, Transports.Request("one"))));

        await server.DisposeAsync();
        await Assert.ThrowsAsync<SiloUnavailableException>(() => client.SendRequestAsync(target, Transports.Request("down")));
        await Assert.ThrowsAsync<SiloUnavailableException>(() => client.SendRequestAsync(target, Transports.Request("still down")));

        await using var restarted = Transports.Start(port: target.Endpoint.Port, generation: 77);
        var watch = Stopwatch.StartNew();
        string? answer = null;
        while (answer is null && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                answer = Transports.Text(await client.SendRequestAsync(target, Transports.Request("back")));
            }
            catch (SiloUnavailableException)
            {
                await Task.Delay(20);
            }
        }

        Assert.Equal("back", answer);
    }

    [Fact]
    public async Task ConnectionCut_WhileBothSilosLive_NextRequestReconnects()
    {
        await using var server = Transports.Start();
        await using var client = Transports.Start();
        Assert.Equal("one", Transports.Text(await client.SendRequestAsync(server.LocalAddress, Transports.Request("one"))));

        server.DropConnections();
        await Eventually.TrueAsync(() => server.InboundConnectionCount == 0);

        string? answer = null;
        await Eventually.TrueAsync(() =>
        {
            try
            {
                answer = Transports.Text(client.SendRequestAsync(server.LocalAddress, Transports.Request("two")).GetAwaiter().GetResult());
            }
            catch (SiloUnavailableException)
            {
            }

            return answer is not null;
        });
        Assert.Equal("two", answer);
    }

    [Fact]
    public async Task RestartedSilo_HasANewGeneration_TheOldAddressIsUnavailable()
    {
        var first = Transports.Start();
        var old = first.LocalAddress;
        await using var client = Transports.Start();
        Assert.Equal("one", Transports.Text(await client.SendRequestAsync(old, Transports.Request("one"))));
        await first.DisposeAsync();

        await using var second = Transports.Start(port: old.Endpoint.Port, generation: old.Generation + 1);

        Assert.Equal("new", Transports.Text(await client.SendRequestAsync(second.LocalAddress, Transports.Request("new"))));
        await Assert.ThrowsAsync<SiloUnavailableException>(() => client.SendRequestAsync(old, Transports.Request("old")));
    }

    [Fact]
    public async Task UnreachableSilo_FailsWithSiloUnavailable()
    {
        await using var client = Transports.Start();
        var nobody = new SiloAddress(new IPEndPoint(IPAddress.Loopback, FreePort()), 1);

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<SiloUnavailableException>(() => client.SendRequestAsync(nobody, Transports.Request("anyone?")));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task TraceContext_IsContinuedOnTheRemoteSilo()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is ActorDiagnostics.ActivitySourceName or "test.caller",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var callerSource = new ActivitySource("test.caller");
        (ActivityTraceId TraceId, ActivitySpanId ParentSpanId, string? TraceState, string? TraceParent)? seen = null;
        await using var server = Transports.Start((frame, _) =>
        {
            var current = Activity.Current!;
            seen = (current.TraceId, current.ParentSpanId, current.TraceStateString, frame.TraceParent);
            return ValueTask.FromResult<Frame?>(Frame.ResponseTo(frame, default));
        });
        await using var client = Transports.Start();

        using (var caller = callerSource.StartActivity("call lane")!)
        {
            caller.TraceStateString = "bordergate=lane3";
            await client.SendRequestAsync(server.LocalAddress, Transports.Request("traced"));

            Assert.Equal(caller.TraceId, seen!.Value.TraceId);
            Assert.Equal(caller.SpanId, seen.Value.ParentSpanId);
            Assert.Equal("bordergate=lane3", seen.Value.TraceState);
            Assert.Equal(caller.Id, seen.Value.TraceParent);
        }
    }

    [Fact]
    public async Task FrameOverTheLimit_IsRefusedBeforeSending()
    {
        await using var server = Transports.Start();
        await using var client = Transports.Start();
        var big = Frame.Request("lane", "k", "m", new byte[client.Options.MaxFrameSize]);

        await Assert.ThrowsAsync<ArgumentException>(() => client.SendRequestAsync(server.LocalAddress, big));
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
