using System.Buffers.Binary;
using BorderGate.Actors.Diagnostics;
using BorderGate.Actors.Networking;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace BorderGate.Actors.Networking.Tests;

/// <summary>A silo and a well-behaved caller, shared by the fault tests.</summary>
public sealed class SiloPairFixture : IAsyncLifetime
{
    internal SiloTransport Server { get; private set; } = null!;

    internal SiloTransport Client { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Server = Transports.Start();
        Client = Transports.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}

/// <summary>Bad input over a real socket: the connection is closed and the reason counted; other callers go on.</summary>
public sealed class RejectionTests : IClassFixture<SiloPairFixture>, IDisposable
{
    private readonly SiloPairFixture _silos;
    private readonly MetricCollector<long> _rejections = new(ActorDiagnostics.TransportConnectionsRejected);

    public RejectionTests(SiloPairFixture silos) => _silos = silos;

    public void Dispose() => _rejections.Dispose();

    [Fact]
    public async Task Garbage_IsRejected_Counted_Closed_WhileAnotherCallerIsServed()
    {
        var garbage = new byte[256];
        new Random(42).NextBytes(garbage);
        garbage[0] = (byte)'Z';
        await AssertRejectedAsync(RejectionReasons.BadMagic, raw => raw.SendAsync(garbage));
    }

    [Fact]
    public async Task BadMagic_AfterHello_IsRejected() =>
        await AssertRejectedAsync(RejectionReasons.BadMagic, async raw =>
        {
            await raw.SendAsync(RawSilo.Hello());
            Assert.Equal(FrameKind.Hello, (await raw.ReceiveAsync())!.Kind);
            await raw.SendAsync("HTTP/1.1 200 OK\r\n\r\n"u8.ToArray());
        });

    [Fact]
    public async Task OversizedFrame_IsRejected_OnItsHeader() =>
        await AssertRejectedAsync(RejectionReasons.Oversized, async raw =>
        {
            await raw.SendAsync(RawSilo.Hello());
            var header = FrameCodec.ToArray(Transports.Request("big"))[..FrameCodec.HeaderLength];
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), _silos.Server.Options.MaxFrameSize + 1);
            await raw.SendAsync(header);
        });

    [Fact]
    public async Task TruncatedFrame_IsRejected_WhenThePeerHangsUpMidFrame() =>
        await AssertRejectedAsync(RejectionReasons.Truncated, async raw =>
        {
            await raw.SendAsync(RawSilo.Hello());
            var request = FrameCodec.ToArray(Transports.Request(new string('x', 500)));
            await raw.SendAsync(request.AsMemory(0, request.Length / 2));
            raw.ShutdownSend();
        });

    [Fact]
    public async Task RequestBeforeHello_IsRejected_WithAnError() =>
        await AssertRejectedAsync(RejectionReasons.NoHello, raw => raw.SendAsync(Transports.Request("who am I")), TransportErrorCode.Protocol);

    [Fact]
    public async Task HelloWithAnotherClusterId_IsRejected_WithAnError() =>
        await AssertRejectedAsync(RejectionReasons.WrongCluster, raw => raw.SendAsync(RawSilo.Hello("another-cluster")), TransportErrorCode.WrongCluster);

    [Fact]
    public async Task MalformedFrame_IsRejected()
    {
        var bytes = FrameCodec.ToArray(new Frame { Kind = FrameKind.Ping, Method = "m" });
        bytes[FrameCodec.HeaderLength] = 0x7F;
        await AssertRejectedAsync(RejectionReasons.Malformed, async raw =>
        {
            await raw.SendAsync(RawSilo.Hello());
            await raw.SendAsync(bytes);
        });
    }

    [Fact]
    public async Task FrameForAnOldGeneration_IsAnsweredWithAnError_AndTheConnectionStays()
    {
        await using var raw = await RawSilo.ConnectAsync(_silos.Server.LocalAddress);
        await raw.SendAsync(RawSilo.Hello());
        Assert.Equal(_silos.Server.LocalAddress, (await raw.ReceiveAsync())!.Sender);

        var stale = Transports.Request("old");
        stale.CorrelationId = 5;
        stale.TargetGeneration = _silos.Server.LocalAddress.Generation - 1;
        await raw.SendAsync(stale);
        var error = await raw.ReceiveAsync();
        Assert.Equal((FrameKind.Error, TransportErrorCode.WrongGeneration, 5L), (error!.Kind, error.ErrorCode, error.CorrelationId));

        var current = Transports.Request("current");
        current.CorrelationId = 6;
        current.TargetGeneration = _silos.Server.LocalAddress.Generation;
        await raw.SendAsync(current);
        var response = await raw.ReceiveAsync();
        Assert.Equal((FrameKind.Response, 6L, "current"), (response!.Kind, response.CorrelationId, Transports.Text(response)));
    }

    [Fact]
    public async Task SilentConnection_IsRejected_AfterTheHandshakeTimeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = Transports.Start(time: time);
        await using var raw = await RawSilo.ConnectAsync(server.LocalAddress);
        await Eventually.TrueAsync(() => server.InboundConnectionCount == 1);

        time.Advance(server.Options.HandshakeTimeout + TimeSpan.FromSeconds(1));

        Assert.DoesNotContain(await raw.ReceiveUntilClosedAsync(), f => f.Kind != FrameKind.Error);
        Assert.Contains(RejectionReasons.HandshakeTimeout, Reasons());
    }

    private async Task AssertRejectedAsync(string reason, Func<RawSilo, Task> misbehave, TransportErrorCode? goodbye = null)
    {
        // A well-behaved caller keeps calling the same silo throughout.
        using var stop = new CancellationTokenSource();
        var served = ServeAnotherCallerAsync(stop.Token);
        await using (var raw = await RawSilo.ConnectAsync(_silos.Server.LocalAddress))
        {
            await misbehave(raw);
            var frames = await raw.ReceiveUntilClosedAsync();
            if (goodbye is { } code)
            {
                Assert.Contains(frames, f => f.Kind == FrameKind.Error && f.ErrorCode == code);
            }
        }

        Assert.Contains(reason, Reasons());
        await stop.CancelAsync();
        Assert.True(await served > 0);
        var after = await _silos.Client.SendRequestAsync(_silos.Server.LocalAddress, Transports.Request("after"));
        Assert.Equal("after", Transports.Text(after));
    }

    private async Task<int> ServeAnotherCallerAsync(CancellationToken stop)
    {
        var served = 0;
        do
        {
            var response = await _silos.Client.SendRequestAsync(_silos.Server.LocalAddress, Transports.Request($"call {served}"), CancellationToken.None);
            Assert.Equal($"call {served}", Transports.Text(response));
            served++;
        }
        while (!stop.IsCancellationRequested);

        return served;
    }

    private IEnumerable<string?> Reasons() =>
        _rejections.GetMeasurementSnapshot().Select(m => m.Tags.TryGetValue(ActorDiagnostics.TransportReasonTag, out var r) ? r as string : null);
}
