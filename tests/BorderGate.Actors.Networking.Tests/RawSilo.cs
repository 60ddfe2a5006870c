using System.Buffers;
using System.Net;
using System.Net.Sockets;
using BorderGate.Actors.Networking;

namespace BorderGate.Actors.Networking.Tests;

/// <summary>A bare TCP client that speaks the frame format by hand, to feed a silo faults (as npgsql's mock postmaster does).</summary>
internal sealed class RawSilo : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _received = new byte[1 << 20];
    private int _receivedLength;

    private RawSilo(Socket socket) => _socket = socket;

    public static async Task<RawSilo> ConnectAsync(SiloAddress silo)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(silo.Endpoint);
        return new RawSilo(socket);
    }

    /// <summary>A bare silo taking one connection on a free loopback port (a peer that can be made to stop reading).</summary>
    public static (IPEndPoint Endpoint, Task<RawSilo> Accepted) ListenOnce()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        return ((IPEndPoint)listener.LocalEndPoint!, AcceptAsync(listener));

        static async Task<RawSilo> AcceptAsync(Socket listener)
        {
            using (listener)
            {
                return new RawSilo(await listener.AcceptAsync());
            }
        }
    }

    public static Frame Hello(string clusterId = Transports.ClusterId) =>
        Frame.Hello(ClusterId.Hash(clusterId), new SiloAddress(new IPEndPoint(IPAddress.Loopback, 1), 7));

    public async Task SendAsync(ReadOnlyMemory<byte> bytes) => await _socket.SendAsync(bytes);

    public Task SendAsync(Frame frame) => SendAsync(FrameCodec.ToArray(frame));

    /// <summary>The next frame from the silo, or null when it closed the connection.</summary>
    public async Task<Frame?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var buffer = new ReadOnlySequence<byte>(_received, 0, _receivedLength);
            var status = FrameCodec.TryRead(ref buffer, int.MaxValue, out var frame);
            if (status == FrameReadStatus.Frame)
            {
                var consumed = _receivedLength - (int)buffer.Length;
                Array.Copy(_received, consumed, _received, 0, (int)buffer.Length);
                _receivedLength = (int)buffer.Length;
                return frame;
            }

            Assert.Equal(FrameReadStatus.Incomplete, status);
            int read;
            try
            {
                read = await _socket.ReceiveAsync(_received.AsMemory(_receivedLength), cts.Token);
            }
            catch (SocketException)
            {
                return null;
            }

            if (read == 0)
            {
                return null;
            }

            _receivedLength += read;
        }
    }

    /// <summary>Reads until the silo closes the connection; returns the frames it sent before.</summary>
    public async Task<List<Frame>> ReceiveUntilClosedAsync()
    {
        var frames = new List<Frame>();
        while (await ReceiveAsync() is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }

    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
