using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace BorderGate.Benchmarks;

/// <summary>
/// The floor under any remote call on this machine, with no silo code at all: 8-byte messages echoed over one loopback
/// TCP connection by .NET's async sockets, paced by the same open loop as the silos' calls. The caller sends on the
/// pacer's thread (no write loop), the echo side answers from its receive loop (no dispatch, no write loop), so a round
/// trip has four thread hand-offs (the echo side's socket engine and receive loop, the caller's socket engine and
/// receive loop) against a grain call's seven or eight. Whatever tail this has, a grain call between two silos here has
/// at least.
/// </summary>
internal sealed class LoopbackEchoProbe : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly Socket _client = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _pending = new();
    private readonly Lock _sendLock = new();
    private readonly byte[] _sendBuffer = new byte[8];
    private Socket? _server;
    private Task? _echo;
    private Task? _receive;

    public static async Task<LoopbackEchoProbe> StartAsync()
    {
        var probe = new LoopbackEchoProbe();
        probe._listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        probe._listener.Listen();
        var accepted = probe._listener.AcceptAsync();
        await probe._client.ConnectAsync(probe._listener.LocalEndPoint!);
        probe._server = await accepted;
        probe._client.NoDelay = probe._server.NoDelay = true;
        probe._echo = Task.Run(probe.EchoAsync);
        probe._receive = Task.Run(probe.ReceiveAsync);
        return probe;
    }

    /// <summary>One round trip: completes when message <paramref name="id"/> came back.</summary>
    public Task Call(int id)
    {
        var done = new TaskCompletionSource();
        _pending[id] = done;
        lock (_sendLock)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_sendBuffer, id);
            _client.Send(_sendBuffer);
        }

        return done.Task;
    }

    private async Task EchoAsync()
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await _server!.ReceiveAsync(buffer, SocketFlags.None);
            if (read == 0)
            {
                return;
            }

            _server.Send(buffer.AsSpan(0, read));
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        var filled = 0;
        while (true)
        {
            var read = await _client.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
            if (read == 0)
            {
                return;
            }

            filled += read;
            var whole = filled / 8 * 8;
            for (var at = 0; at < whole; at += 8)
            {
                if (_pending.TryRemove(BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(at)), out var done))
                {
                    done.SetResult();
                }
            }

            buffer.AsSpan(whole, filled - whole).CopyTo(buffer);
            filled -= whole;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.Shutdown(SocketShutdown.Both);
        _client.Dispose();
        _server?.Dispose();
        _listener.Dispose();
        await Task.WhenAll(_echo ?? Task.CompletedTask, _receive ?? Task.CompletedTask).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
