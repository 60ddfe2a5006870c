using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using BorderGate.Devices.Protocol;
using Microsoft.Extensions.Logging;

namespace BorderGate.Devices.Endpoint;

/// <summary>
/// One device's WebSocket: the hello/challenge/auth handshake, then commands out and acks, telemetry,
/// faults and heartbeats in (each checked for its seq and forwarded to the device grain).
/// </summary>
internal sealed partial class DeviceConnection : IDisposable
{
    private static readonly TimeSpan s_closeTimeout = TimeSpan.FromSeconds(2);

    private readonly DeviceConnectionHub _hub;
    private readonly FrameChannel _channel;
    private readonly ILogger<DeviceConnection> _logger;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<DeviceAck>> _pending = new(StringComparer.Ordinal);
    private volatile bool _replaced;
    private long? _lastSeq;

    public DeviceConnection(DeviceConnectionHub hub, WebSocket socket, ILogger<DeviceConnection> logger)
    {
        _hub = hub;
        _channel = new FrameChannel(socket);
        _logger = logger;
    }

    public string DeviceId { get; private set; } = string.Empty;

    public string SessionId { get; } = Guid.NewGuid().ToString("N");

    private DeviceEndpointMetrics Metrics => _hub.Metrics;

    private TimeProvider Time => _hub.TimeProvider;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var token = cancellationToken;
        var registered = false;
        try
        {
            if (!await HandshakeAsync(token).ConfigureAwait(false))
            {
                return;
            }

            _hub.Register(this);
            registered = true;
            LogConnected(DeviceId, SessionId);
            await ForwardAsync(grain => grain.OnConnectionChanged(true, Time.GetUtcNow())).ConfigureAwait(false);
            await ReceiveLoopAsync(token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
        {
            LogConnectionEnded(DeviceId, SessionId, exception.GetType().Name);
        }
        finally
        {
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(new DeviceUnavailableException($"Device '{DeviceId}' disconnected before acknowledging."));
            }

            if (registered)
            {
                var current = _hub.Unregister(this);
                LogDisconnected(DeviceId, SessionId, current);
                if (current)
                {
                    await ForwardAsync(grain => grain.OnConnectionChanged(false, Time.GetUtcNow())).ConfigureAwait(false);
                }
            }

            await _channel.CloseAsync(
                _replaced ? WebSocketCloseStatus.PolicyViolation : WebSocketCloseStatus.NormalClosure,
                _replaced ? "replaced by a newer connection" : "closing",
                s_closeTimeout).ConfigureAwait(false);
        }
    }

    public async Task<DeviceAck> SendCommandAsync(DeviceCommand command, CancellationToken cancellationToken)
    {
        var ack = new TaskCompletionSource<DeviceAck>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[command.CommandId] = ack;
        try
        {
            var frame = new DeviceFrame
            {
                Type = DeviceProtocol.Types.Command,
                CommandId = command.CommandId,
                Name = command.Name,
                Args = new Dictionary<string, string>(command.Args, StringComparer.Ordinal),
            };
            try
            {
                await _channel.SendAsync(frame, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException)
            {
                throw new DeviceUnavailableException($"Device '{DeviceId}' connection failed while sending.", exception);
            }

            LogCommandSent(DeviceId, command.CommandId, command.Name);
            return await ack.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(new KeyValuePair<string, TaskCompletionSource<DeviceAck>>(command.CommandId, ack));
        }
    }

    /// <summary>A newer connection of the same device took over: this one closes (the receive loop ends on the device's close reply).</summary>
    public void Replace()
    {
        _replaced = true;
        _ = _channel.CloseAsync(WebSocketCloseStatus.PolicyViolation, "replaced by a newer connection", s_closeTimeout);
    }

    public void Dispose()
    {
        _channel.Dispose();
    }

    private async Task<bool> HandshakeAsync(CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_hub.Options.HandshakeTimeout, Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var hello = await ReceiveHandshakeFrameAsync(DeviceProtocol.Types.Hello, linked.Token).ConfigureAwait(false);
            if (hello is null)
            {
                return false;
            }

            if (!string.Equals(hello.Protocol, DeviceProtocol.Version, StringComparison.Ordinal))
            {
                await RefuseAsync(DeviceProtocol.Errors.ProtocolUnsupported, $"this endpoint speaks {DeviceProtocol.Version}", hello.DeviceId).ConfigureAwait(false);
                return false;
            }

            if (string.IsNullOrEmpty(hello.DeviceId) || string.IsNullOrEmpty(hello.Kind))
            {
                await RefuseAsync(DeviceProtocol.Errors.MissingField, "hello needs deviceId and kind", hello.DeviceId).ConfigureAwait(false);
                return false;
            }

            // Unknown devices get a challenge too, so that a caller cannot tell which ids exist.
            var nonce = DeviceMac.NewNonce();
            await _channel.SendAsync(new DeviceFrame { Type = DeviceProtocol.Types.Challenge, Nonce = nonce }, linked.Token).ConfigureAwait(false);
            var auth = await ReceiveHandshakeFrameAsync(DeviceProtocol.Types.Auth, linked.Token).ConfigureAwait(false);
            if (auth is null)
            {
                return false;
            }

            var failure = CheckCredentials(hello, auth, nonce);
            if (failure is not null)
            {
                Metrics.Handshake(failure);
                LogAuthFailed(hello.DeviceId, failure);
                await RefuseAsync(DeviceProtocol.Errors.AuthFailed, "authentication failed", hello.DeviceId).ConfigureAwait(false);
                return false;
            }

            DeviceId = hello.DeviceId;
            await _channel.SendAsync(
                new DeviceFrame
                {
                    Type = DeviceProtocol.Types.Welcome,
                    SessionId = SessionId,
                    HeartbeatSeconds = (int)Math.Ceiling(_hub.Options.HeartbeatInterval.TotalSeconds),
                },
                linked.Token).ConfigureAwait(false);
            Metrics.Handshake("ok");
            return true;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Metrics.Handshake(DeviceProtocol.Errors.HandshakeTimeout);
            await RefuseAsync(DeviceProtocol.Errors.HandshakeTimeout, "no hello and auth in time", null).ConfigureAwait(false);
            return false;
        }
    }

    private string? CheckCredentials(DeviceFrame hello, DeviceFrame auth, string nonce)
    {
        var deviceId = hello.DeviceId!;
        if (!string.Equals(auth.DeviceId, deviceId, StringComparison.Ordinal) || string.IsNullOrEmpty(auth.Mac))
        {
            return "auth.mismatch";
        }

        var known = _hub.Options.KnownDevices;
        if (known is not null)
        {
            if (!known.TryGetValue(deviceId, out var kind))
            {
                return "auth.unknown-device";
            }

            if (!Enum.TryParse<DeviceKind>(hello.Kind, ignoreCase: true, out var helloKind) || helloKind != kind)
            {
                return "auth.wrong-kind";
            }
        }

        if (!_hub.Keys.TryGetKey(deviceId, out var key))
        {
            return "auth.no-key";
        }

        return DeviceMac.Verify(key, nonce, auth.Mac) ? null : "auth.bad-mac";
    }

    /// <summary>Reads one handshake message of <paramref name="expectedType"/>; answers and closes on anything else.</summary>
    private async Task<DeviceFrame?> ReceiveHandshakeFrameAsync(string expectedType, CancellationToken cancellationToken)
    {
        var received = await _channel.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        switch (received.Kind)
        {
            case FrameKind.Closed:
                return null;
            case FrameKind.TooLarge:
                await RefuseAsync(DeviceProtocol.Errors.TooLarge, $"messages are at most {DeviceProtocol.MaxFrameBytes} bytes", null).ConfigureAwait(false);
                return null;
            case FrameKind.Binary:
                await RefuseAsync(DeviceProtocol.Errors.BinaryFrame, "text frames only", null).ConfigureAwait(false);
                return null;
        }

        DeviceFrame? frame;
        try
        {
            frame = FrameChannel.Parse(received.Utf8);
        }
        catch (JsonException)
        {
            frame = null;
        }

        if (frame is null)
        {
            await RefuseAsync(DeviceProtocol.Errors.Malformed, "not a JSON message", null).ConfigureAwait(false);
            return null;
        }

        if (!string.Equals(frame.Type, expectedType, StringComparison.Ordinal))
        {
            await RefuseAsync(DeviceProtocol.Errors.AuthRequired, $"expected {expectedType} before anything else", frame.DeviceId).ConfigureAwait(false);
            return null;
        }

        return frame;
    }

    /// <summary>Answers with an error and closes the connection as a policy violation.</summary>
    private async Task RefuseAsync(string code, string message, string? deviceId)
    {
        Metrics.ProtocolError(code, deviceId);
        LogRefused(deviceId ?? "?", code, message);
        try
        {
            using var timeout = new CancellationTokenSource(s_closeTimeout);
            await _channel.SendAsync(new DeviceFrame { Type = DeviceProtocol.Types.Error, Code = code, Message = message }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The device is gone already; the close below aborts the socket.
        }

        await _channel.CloseAsync(WebSocketCloseStatus.PolicyViolation, code, s_closeTimeout).ConfigureAwait(false);
    }
}
