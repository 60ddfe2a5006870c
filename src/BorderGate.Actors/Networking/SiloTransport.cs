using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BorderGate.Actors.Networking;

/// <summary>
/// The silo-to-silo transport: a listener that takes connections from other silos, and a pool of outgoing
/// connections, one per remote silo, opened on first use and reopened with backoff after a loss. Requests are
/// matched to responses by correlation id and fail by their deadline; a silo that cannot be reached fails its
/// requests at once with <see cref="SiloUnavailableException"/> so that the caller can re-route.
/// </summary>
internal sealed partial class SiloTransport : IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, PendingRequest> _pending = new();
    private readonly ConcurrentDictionary<SiloAddress, OutboundSlot> _outbound = new();
    private readonly ConcurrentDictionary<InboundConnection, byte> _inbound = new();
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private Socket? _listener;
    private Task? _acceptLoop;
    private ITimer? _deadlineTimer;
    private SiloAddress? _localAddress;
    private long _nextCorrelationId;
    private int _runningRequests;
    private int _peers;
    private volatile bool _disposed;

    public SiloTransport(SiloTransportOptions options, IncomingRequestHandler? handler, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Handler = handler;
        TimeProvider = timeProvider ?? TimeProvider.System;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<SiloTransport>();
        ClusterIdHash = ClusterId.Hash(options.ClusterId);
    }

    public SiloTransportOptions Options { get; }

    public TimeProvider TimeProvider { get; }

    public IncomingRequestHandler? Handler { get; }

    public ulong ClusterIdHash { get; }

    /// <summary>This silo's address and generation; known once <see cref="Start"/> bound the listener.</summary>
    public SiloAddress LocalAddress => _localAddress ?? throw new InvalidOperationException("The transport is not started.");

    /// <summary>Requests sent and not yet answered, failed or timed out.</summary>
    public int PendingRequestCount => _pending.Count;

    /// <summary>Requests from other silos (or clients) this one is running: handed to the handler, not yet answered.</summary>
    public int RunningRequestCount => Volatile.Read(ref _runningRequests);

    /// <summary>
    /// Counts a request from <paramref name="connection"/> in, unless <see cref="SiloTransportOptions.MaxConcurrentRequests"/>
    /// are running already (<paramref name="shedReason"/> <c>busy</c>) or the last quarter of them is all that is left and
    /// this connection runs its fair share already — the limit over the peers connected — (<c>fair_share</c>): one peer
    /// flooding the silo cannot take the places of the others.
    /// </summary>
    internal bool TryBeginRequest(InboundConnection connection, out string shedReason)
    {
        var max = Options.MaxConcurrentRequests;
        var running = Interlocked.Increment(ref _runningRequests);
        if (running <= max)
        {
            if (running <= max - (max / 4) || connection.RunningRequests < FairShare)
            {
                connection.BeginRequest();
                shedReason = string.Empty;
                return true;
            }

            shedReason = FairShareReason;
        }
        else
        {
            shedReason = BusyReason;
        }

        Interlocked.Decrement(ref _runningRequests);
        return false;
    }

    internal void EndRequest(InboundConnection connection)
    {
        connection.EndRequest();
        Interlocked.Decrement(ref _runningRequests);
    }

    internal const string BusyReason = "busy";

    internal const string FairShareReason = "fair_share";

    /// <summary>The places one peer may hold once the silo is three quarters full: the limit over the peers connected.</summary>
    internal int FairShare => (int)Math.Ceiling(Options.MaxConcurrentRequests / (double)Math.Max(1, Volatile.Read(ref _peers)));

    /// <summary>A connection's peer said hello: it counts for the fair share from now until it closes.</summary>
    internal void OnPeerGreeted() => Interlocked.Increment(ref _peers);

    internal void OnPeerGone() => Interlocked.Decrement(ref _peers);

    /// <summary>Connections other silos opened to this one and that are still open.</summary>
    public int InboundConnectionCount => _inbound.Count;

    /// <summary>Binds the listener and starts accepting silos.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_listener is not null)
        {
            throw new InvalidOperationException("The transport is already started.");
        }

        var listener = new Socket(Options.ListenEndpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(Options.ListenEndpoint);
            listener.Listen(512);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        var bound = (IPEndPoint)listener.LocalEndPoint!;
        var generation = Options.Generation != 0 ? Options.Generation : TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        _localAddress = new SiloAddress(Options.AdvertisedEndpoint ?? bound, generation);
        _deadlineTimer = TimeProvider.CreateTimer(static s => ((SiloTransport)s!).ExpireOverdueRequests(), this, Options.DeadlineCheckInterval, Options.DeadlineCheckInterval);
        _acceptLoop = Task.Run(AcceptLoopAsync);
        LogListening(_logger, _localAddress, bound);
    }

    private async Task AcceptLoopAsync()
    {
        var listener = _listener!;
        var logger = _loggerFactory.CreateLogger<InboundConnection>();
        while (!_disposed)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync();
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException && _disposed)
            {
                return;
            }
            catch (SocketException e)
            {
                // Out of file descriptors, say: logged, and a moment's pause rather than a loop that spins on the error.
                LogAcceptFailed(_logger, e);
                await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider).ConfigureAwait(false);
                continue;
            }

            InboundConnection connection;
            try
            {
                // A peer that reset while waiting in the backlog can make this fail: that socket is dropped, not the loop.
                socket.NoDelay = true;
                connection = new InboundConnection(socket, this, logger);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
            {
                LogAcceptFailed(_logger, e);
                socket.Dispose();
                continue;
            }

            _inbound[connection] = 0;
            connection.Start(Min(Options.PingInterval, Options.HandshakeTimeout));
            if (_disposed)
            {
                connection.Close(new ObjectDisposedException(nameof(SiloTransport)));
            }
        }
    }

    internal void OnInboundClosed(InboundConnection connection) => _inbound.TryRemove(connection, out _);

    /// <summary>Cuts every connection, in and out, as a network failure would; the listener stays up (tests, fencing).</summary>
    internal void DropConnections()
    {
        foreach (var connection in _inbound.Keys)
        {
            connection.Close(new IOException("Connections dropped."));
        }

        foreach (var slot in _outbound.Values)
        {
            slot.Current?.Close(new IOException("Connections dropped."));
        }
    }

    /// <summary>Stops listening, closes every connection, and fails the requests still pending.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _deadlineTimer?.Dispose();
        _listener?.Dispose();
        DropConnections();
        var unavailable = new SiloUnavailableException("The transport was shut down.", _localAddress?.ToString());
        foreach (var (id, pending) in _pending)
        {
            if (_pending.TryRemove(id, out _))
            {
                pending.TrySetException(unavailable);
            }
        }

        if (_acceptLoop is not null)
        {
            await _acceptLoop;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
