using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace BorderGate.TestSupport;

/// <summary>
/// A real TCP proxy on a loopback port in front of a server, for injecting network outages: <see cref="Cut"/>
/// drops every connection and refuses new ones until <see cref="Restore"/>.
/// </summary>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<Socket, byte> _sockets = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly string _host;
    private readonly int _port;
    private readonly Task _acceptLoop;
    private volatile bool _cut;

    private TcpFaultProxy(string host, int port)
    {
        _host = host;
        _port = port;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptAsync();
    }

    /// <summary>The loopback port clients connect to.</summary>
    public int Port { get; }

    /// <summary>How many client connections are open through the proxy.</summary>
    public int OpenConnections => _sockets.Count / 2;

    public static TcpFaultProxy Start(string host, int port) => new(host, port);

    /// <summary>Closes every open connection and refuses new ones (accepted, then closed at once).</summary>
    public void Cut()
    {
        _cut = true;
        foreach (var socket in _sockets.Keys)
        {
            Close(socket);
        }
    }

    /// <summary>Lets new connections through again.</summary>
    public void Restore() => _cut = false;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        Cut();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_cut)
            {
                Close(client);
                continue;
            }

            _ = LinkAsync(client);
        }
    }

    private async Task LinkAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        _sockets.TryAdd(client, 0);
        _sockets.TryAdd(server, 0);
        try
        {
            await server.ConnectAsync(_host, _port, _stop.Token).ConfigureAwait(false);
            if (_cut)
            {
                return;
            }

            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client)).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            Close(client);
            Close(server);
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (read == 0 || _cut)
                {
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private void Close(Socket socket)
    {
        _sockets.TryRemove(socket, out _);
        try
        {
            // Linger 0 makes the close a reset, as a cut cable or a crashed peer looks to the client.
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
        }
    }
}
