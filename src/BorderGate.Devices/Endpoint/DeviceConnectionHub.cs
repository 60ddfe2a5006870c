using System.Collections.Concurrent;
using System.Net.WebSockets;
using BorderGate.Actors;
using BorderGate.Contracts.Devices;
using BorderGate.Devices.Keys;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BorderGate.Devices.Endpoint;

/// <summary>
/// The connected devices of the endpoint, and the <see cref="IDeviceLink"/> device grains send commands
/// through: a command goes out on the device's session and completes on the device's matching ack.
/// A second connection of the same device replaces the first.
/// </summary>
public sealed partial class DeviceConnectionHub : IDeviceLink
{
    private readonly ConcurrentDictionary<string, DeviceConnection> _sessions = new(StringComparer.Ordinal);
    private readonly IServiceProvider _services;
    private readonly IDeviceKeyStore _keys;
    private readonly DeviceEndpointOptions _options;
    private readonly DeviceEndpointMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<DeviceConnectionHub> _logger;
    private readonly CancellationToken _stopping;
    private IGrainFactory? _grains;

    public DeviceConnectionHub(
        IServiceProvider services,
        IDeviceKeyStore keys,
        IOptions<DeviceEndpointOptions> options,
        DeviceEndpointMetrics metrics,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        IHostApplicationLifetime? lifetime = null)
    {
        _services = services;
        _keys = keys;
        _options = options.Value;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<DeviceConnectionHub>();
        _stopping = lifetime?.ApplicationStopping ?? CancellationToken.None;
        if (string.IsNullOrWhiteSpace(_options.CrossingId))
        {
            throw new InvalidOperationException("DeviceEndpointOptions.CrossingId is not set.");
        }
    }

    /// <summary>The ids of the devices with an authenticated session.</summary>
    public IReadOnlyCollection<string> ConnectedDevices => [.. _sessions.Keys];

    internal DeviceEndpointOptions Options => _options;

    internal DeviceEndpointMetrics Metrics => _metrics;

    internal TimeProvider TimeProvider => _timeProvider;

    internal IDeviceKeyStore Keys => _keys;

    // Resolved on first use: in a silo the grain factory and this hub live in one container and the
    // runtime's grains depend on the hub as their IDeviceLink.
    internal IGrainFactory Grains => _grains ??= (IGrainFactory)(_services.GetService(typeof(IGrainFactory))
        ?? throw new InvalidOperationException("The device endpoint needs an IGrainFactory service."));

    public bool IsConnected(string deviceId) => _sessions.ContainsKey(deviceId);

    public async Task<DeviceAck> SendAsync(string deviceId, DeviceCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!_sessions.TryGetValue(deviceId, out var session))
        {
            throw new DeviceUnavailableException($"Device '{deviceId}' is not connected.");
        }

        return await session.SendCommandAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Serves one accepted WebSocket until it closes.</summary>
    public async Task RunConnectionAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping);
        using var connection = new DeviceConnection(this, socket, _loggerFactory.CreateLogger<DeviceConnection>());
        await connection.RunAsync(linked.Token).ConfigureAwait(false);
    }

    internal void Register(DeviceConnection connection)
    {
        DeviceConnection? replaced = null;
        _sessions.AddOrUpdate(connection.DeviceId, connection, (_, existing) =>
        {
            replaced = existing;
            return connection;
        });
        _metrics.SessionOpened();
        if (replaced is not null)
        {
            LogReplaced(connection.DeviceId, replaced.SessionId, connection.SessionId);
            replaced.Replace();
        }
    }

    /// <summary>Removes the session unless a newer one replaced it; true when it was the device's current session.</summary>
    internal bool Unregister(DeviceConnection connection)
    {
        _metrics.SessionClosed();
        return _sessions.TryRemove(new KeyValuePair<string, DeviceConnection>(connection.DeviceId, connection));
    }

    [LoggerMessage(1, LogLevel.Information, "Device {DeviceId}: session {NewSession} replaces session {OldSession}")]
    private partial void LogReplaced(string deviceId, string oldSession, string newSession);
}
