using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace BorderGate.Actors.Networking;

internal sealed partial class SiloTransport
{
    /// <summary>The open connection to a silo, opening one if there is none, unless the silo is in its backoff.</summary>
    private ValueTask<OutboundConnection> GetConnectionAsync(SiloAddress target, CancellationToken cancellationToken)
    {
        var slot = _outbound.GetOrAdd(target, static t => new OutboundSlot(t));
        var current = slot.Current;
        return current is { IsClosed: false } ? new(current) : new(ConnectOrJoinAsync(slot, cancellationToken));
    }

    private Task<OutboundConnection> ConnectOrJoinAsync(OutboundSlot slot, CancellationToken cancellationToken)
    {
        Task<OutboundConnection> connecting;
        lock (slot.Gate)
        {
            if (slot.Current is { IsClosed: false } current)
            {
                return Task.FromResult(current);
            }

            if (slot.Connecting is null)
            {
                if (TimeProvider.GetTimestamp() < slot.RetryAfterTimestamp)
                {
                    // Fail fast rather than queue behind a silo that just refused us; the caller can re-route.
                    return Task.FromException<OutboundConnection>(Unavailable(slot.Target, "it could not be reached and is in its reconnect backoff", inner: null));
                }

                slot.Connecting = Task.Run(() => ConnectAsync(slot));
            }

            connecting = slot.Connecting;
        }

        return connecting.WaitAsync(cancellationToken);
    }

    private async Task<OutboundConnection> ConnectAsync(OutboundSlot slot)
    {
        try
        {
            var connection = await OpenAsync(slot.Target);
            lock (slot.Gate)
            {
                slot.Current = connection;
                slot.Connecting = null;
                slot.Backoff = TimeSpan.Zero;
            }

            if (_disposed)
            {
                connection.Close(new ObjectDisposedException(nameof(SiloTransport)));
            }

            return connection;
        }
        catch (Exception e)
        {
            lock (slot.Gate)
            {
                slot.Connecting = null;
                slot.Backoff = slot.Backoff == TimeSpan.Zero ? Options.InitialReconnectBackoff : Min(slot.Backoff * 2, Options.MaxReconnectBackoff);
                slot.RetryAfterTimestamp = TimeProvider.GetTimestamp() + (long)(slot.Backoff.TotalSeconds * TimeProvider.TimestampFrequency);
            }

            LogConnectFailed(_logger, slot.Target, e.Message);
            throw e as SiloUnavailableException ?? Unavailable(slot.Target, e.Message, e);
        }
    }

    private async Task<OutboundConnection> OpenAsync(SiloAddress target)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var socket = new Socket(target.Endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var started = TimeProvider.GetTimestamp();
        try
        {
            using var timeout = new CancellationTokenSource(Options.ConnectTimeout, TimeProvider);
            await socket.ConnectAsync(target.Endpoint, timeout.Token);
        }
        catch (Exception e)
        {
            socket.Dispose();
            throw Unavailable(target, e is OperationCanceledException ? "the connection attempt timed out" : e.Message, e);
        }

        var connection = new OutboundConnection(socket, target, this, _loggerFactory.CreateLogger<OutboundConnection>());
        connection.Start(Options.PingInterval);
        connection.TryEnqueue(Frame.Hello(ClusterIdHash, LocalAddress), FrameCodec.GetEncodedLength(Frame.Hello(ClusterIdHash, LocalAddress)));
        try
        {
            // One ConnectTimeout for the connection and its handshake both.
            var left = Options.ConnectTimeout - TimeProvider.GetElapsedTime(started);
            await connection.Handshake.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.FromTicks(1), TimeProvider);
        }
        catch (TimeoutException e)
        {
            var error = Unavailable(target, "it did not answer the hello in time", e);
            connection.Close(error);
            throw error;
        }

        return connection;
    }

    internal void OnOutboundClosed(OutboundConnection connection, Exception reason)
    {
        if (_outbound.TryGetValue(connection.Target, out var slot))
        {
            lock (slot.Gate)
            {
                if (slot.Current == connection)
                {
                    slot.Current = null;
                }
            }
        }

        FailRequestsOn(connection, reason);
    }
}
