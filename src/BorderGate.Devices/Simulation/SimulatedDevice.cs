using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using BorderGate.Contracts.Devices;
using BorderGate.Devices.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BorderGate.Devices.Simulation;

/// <summary>
/// A simulated device speaking device protocol v1 over a real WebSocket: hello, challenge, auth, heartbeats,
/// a growing seq on every message, acks for commands (a repeated command id is acknowledged again, not
/// done twice). Subclasses add each kind's behaviour; time comes from the given <see cref="TimeProvider"/>.
/// </summary>
public abstract partial class SimulatedDevice : IAsyncDisposable
{
    private readonly byte[] _key;
    private readonly ConcurrentDictionary<string, Task<CommandReply>> _commands = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ILogger _logger;
    private ClientWebSocket? _socket;
    private FrameChannel? _channel;
    private CancellationTokenSource? _session;
    private Task _loops = Task.CompletedTask;
    private long _seq;

    protected SimulatedDevice(string deviceId, DeviceKind kind, byte[] key, TimeProvider timeProvider, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        ArgumentNullException.ThrowIfNull(key);
        DeviceId = deviceId;
        Kind = kind;
        _key = key;
        Time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    public string DeviceId { get; }

    public DeviceKind Kind { get; }

    /// <summary>The firmware version named in the hello.</summary>
    public string Firmware { get; init; } = "sim-1.0";

    /// <summary>Faults to show (no ack, late ack, seq trouble, ...).</summary>
    public SimulatedDeviceFaults Faults { get; } = new();

    /// <summary>True between a welcome and the end of the connection.</summary>
    public bool IsConnected => _socket?.State == WebSocketState.Open && _session is { IsCancellationRequested: false };

    /// <summary>The error codes the endpoint answered with, oldest first.</summary>
    public IReadOnlyList<string> ErrorsReceived => [.. _errors];

    /// <summary>The session id of the last welcome.</summary>
    public string? SessionId { get; private set; }

    /// <summary>How the endpoint closed the last connection (null while open or if the device closed it).</summary>
    public WebSocketCloseStatus? CloseStatus => _socket?.CloseStatus;

    /// <summary>How many commands the device carried out (repeats of a command id not counted).</summary>
    public int CommandsExecuted => _commands.Count;

    protected TimeProvider Time { get; }

    /// <summary>Connects and authenticates, then keeps heartbeating and serving commands in the background.</summary>
    /// <exception cref="SimulatedDeviceRefusedException">The endpoint refused the hello or the auth.</exception>
    public async Task ConnectAsync(Uri server, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        await CloseCurrentAsync().ConfigureAwait(false);
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        var channel = new FrameChannel(socket);
        _socket = socket;
        _channel = channel;
        Interlocked.Exchange(ref _seq, 0);

        await channel.SendAsync(new DeviceFrame { Type = DeviceProtocol.Types.Hello, Protocol = DeviceProtocol.Version, DeviceId = DeviceId, Kind = Kind.ToString(), Firmware = Firmware }, cancellationToken).ConfigureAwait(false);
        var challenge = await ExpectAsync(channel, DeviceProtocol.Types.Challenge, cancellationToken).ConfigureAwait(false);
        var mac = DeviceMac.Compute(_key, challenge.Nonce ?? string.Empty);
        await channel.SendAsync(new DeviceFrame { Type = DeviceProtocol.Types.Auth, DeviceId = DeviceId, Mac = mac }, cancellationToken).ConfigureAwait(false);
        var welcome = await ExpectAsync(channel, DeviceProtocol.Types.Welcome, cancellationToken).ConfigureAwait(false);
        SessionId = welcome.SessionId;

        var session = new CancellationTokenSource();
        _session = session;
        var heartbeat = TimeSpan.FromSeconds(Math.Max(1, welcome.HeartbeatSeconds ?? 5));
        _loops = Task.WhenAll(ReceiveLoopAsync(channel, session.Token), HeartbeatLoopAsync(heartbeat, session.Token));
        LogConnected(DeviceId, SessionId);
    }

    /// <summary>Drops the connection without a close handshake (as a cut cable would).</summary>
    public async Task DisconnectAsync()
    {
        _session?.Cancel();
        _socket?.Abort();
        await WaitForLoopsAsync().ConfigureAwait(false);
    }

    /// <summary>Sends a heartbeat now.</summary>
    public Task SendHeartbeatAsync(CancellationToken cancellationToken = default) =>
        SendAsync(new DeviceFrame { Type = DeviceProtocol.Types.Heartbeat, At = Time.GetUtcNow() }, cancellationToken);

    /// <summary>Sends text as it is: malformed, oversized or otherwise wrong messages for tests.</summary>
    public Task SendRawAsync(string text, CancellationToken cancellationToken = default) =>
        (_channel ?? throw new InvalidOperationException("Not connected.")).SendRawAsync(Encoding.UTF8.GetBytes(text), cancellationToken);

    /// <summary>Reports a fault (with details such as where a container hangs).</summary>
    public Task SendFaultAsync(string code, string message, IReadOnlyDictionary<string, string>? data = null, CancellationToken cancellationToken = default) =>
        SendAsync(new DeviceFrame { Type = DeviceProtocol.Types.Fault, Code = code, Message = message, Data = data is null ? null : new(data, StringComparer.Ordinal), At = Time.GetUtcNow() }, cancellationToken);

    public Task SendTelemetryAsync(string name, IReadOnlyDictionary<string, string> data, CancellationToken cancellationToken = default) =>
        SendAsync(new DeviceFrame { Type = DeviceProtocol.Types.Telemetry, Name = name, Data = new(data, StringComparer.Ordinal), At = Time.GetUtcNow() }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await CloseCurrentAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Carries out a command; the ack goes out when the returned task completes.</summary>
    protected abstract Task<CommandReply> ExecuteAsync(SimulatedCommand command, CancellationToken cancellationToken);

    /// <summary>Work that goes on after the ack (a crane's move, a vehicle's drive), ended with the connection.</summary>
    protected void RunInBackground(Func<CancellationToken, Task> work)
    {
        var token = _session?.Token ?? CancellationToken.None;
        _ = Task.Run(async () =>
        {
            try
            {
                await work(token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or InvalidOperationException)
            {
                LogBackgroundStopped(DeviceId, exception.GetType().Name);
            }
        }, CancellationToken.None);
    }

    protected Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, Time, cancellationToken);

    private async Task SendAsync(DeviceFrame frame, CancellationToken cancellationToken)
    {
        var channel = _channel ?? throw new InvalidOperationException($"Simulated device {DeviceId} is not connected.");
        await channel.SendNumberedAsync(frame, () => Faults.NextSeq(ref _seq), cancellationToken).ConfigureAwait(false);
    }

    private async Task ReceiveLoopAsync(FrameChannel channel, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var received = await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false);
                if (received.Kind == FrameKind.Closed)
                {
                    await channel.CloseAsync(WebSocketCloseStatus.NormalClosure, "closing", TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                    return;
                }

                if (received.Kind != FrameKind.Text)
                {
                    continue;
                }

                var frame = FrameChannel.Parse(received.Utf8);
                switch (frame?.Type)
                {
                    case DeviceProtocol.Types.Error:
                        _errors.Enqueue(frame.Code ?? "?");
                        break;
                    case DeviceProtocol.Types.Command when !string.IsNullOrEmpty(frame.CommandId):
                        OnCommand(new SimulatedCommand(frame.CommandId, frame.Name ?? string.Empty, frame.Args ?? []), cancellationToken);
                        break;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or JsonException or ObjectDisposedException)
        {
            LogReceiveStopped(DeviceId, exception.GetType().Name);
        }
        finally
        {
            if (_session is { } session && !session.IsCancellationRequested)
            {
                await session.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    private void OnCommand(SimulatedCommand command, CancellationToken cancellationToken)
    {
        if (!_commands.ContainsKey(command.CommandId) && Faults.TakeDroppedCommand())
        {
            LogCommandDropped(DeviceId, command.CommandId);
            return;
        }

        // A retried command id is acknowledged again with the first reply, not carried out twice.
        var execution = _commands.GetOrAdd(command.CommandId, _ => ExecuteAsync(command, cancellationToken));
        RunInBackground(async token =>
        {
            CommandReply reply;
            try
            {
                reply = await execution.ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                reply = CommandReply.Refused(exception.Message);
            }

            await DelayAsync(Faults.AckDelay, token).ConfigureAwait(false);
            await SendAsync(new DeviceFrame { Type = DeviceProtocol.Types.Ack, CommandId = command.CommandId, Ok = reply.Ok, Error = reply.Error }, token).ConfigureAwait(false);
        });
    }

    private async Task HeartbeatLoopAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(interval, Time, cancellationToken).ConfigureAwait(false);
                if (!Faults.SilenceHeartbeats)
                {
                    await SendHeartbeatAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            LogHeartbeatStopped(DeviceId);
        }
    }

    private async Task<DeviceFrame> ExpectAsync(FrameChannel channel, string type, CancellationToken cancellationToken)
    {
        var received = await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        var frame = received.Kind == FrameKind.Text ? FrameChannel.Parse(received.Utf8) : null;
        if (frame?.Type == type)
        {
            return frame;
        }

        if (frame?.Type == DeviceProtocol.Types.Error)
        {
            _errors.Enqueue(frame.Code ?? "?");
        }

        // Let the endpoint's close frame arrive, so that CloseStatus tells how it ended.
        if (received.Kind != FrameKind.Closed)
        {
            try
            {
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await channel.ReceiveAsync(wait.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
            {
                // Closed without a close frame.
            }
        }

        throw new SimulatedDeviceRefusedException(frame?.Code ?? $"expected {type}", $"Device {DeviceId}: expected {type}, got {frame?.Type ?? received.Kind.ToString()} {frame?.Message}");
    }

    private async Task CloseCurrentAsync()
    {
        if (_session is { } session)
        {
            await session.CancelAsync().ConfigureAwait(false);
        }

        if (_socket is { State: WebSocketState.Open } socket)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "device closing", timeout.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
            {
                socket.Abort();
            }
        }

        await WaitForLoopsAsync().ConfigureAwait(false);
        _socket?.Dispose();
        _channel?.Dispose();
        _session?.Dispose();
        _socket = null;
        _channel = null;
        _session = null;
        _commands.Clear();
    }

    private async Task WaitForLoopsAsync()
    {
        try
        {
            await _loops.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
        {
            // The loops end with the connection.
        }
    }
}
