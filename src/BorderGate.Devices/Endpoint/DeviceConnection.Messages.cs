using System.Net.WebSockets;
using System.Text.Json;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using BorderGate.Devices.Protocol;

namespace BorderGate.Devices.Endpoint;

internal sealed partial class DeviceConnection
{
    private static readonly Dictionary<string, string> s_noData = new(StringComparer.Ordinal);
    private IDeviceGrain? _grain;

    private IDeviceGrain Grain => _grain ??= _hub.Grains.GetGrain<IDeviceGrain>(CrossingIds.Device(_hub.Options.CrossingId, DeviceId));

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var received = await _channel.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            switch (received.Kind)
            {
                case FrameKind.Closed:
                    return;
                case FrameKind.TooLarge:
                    await RefuseAsync(DeviceProtocol.Errors.TooLarge, $"messages are at most {DeviceProtocol.MaxFrameBytes} bytes", DeviceId).ConfigureAwait(false);
                    return;
                case FrameKind.Binary:
                    await ReplyErrorAsync(DeviceProtocol.Errors.BinaryFrame, "text frames only", cancellationToken).ConfigureAwait(false);
                    continue;
            }

            DeviceFrame? frame;
            try
            {
                frame = FrameChannel.Parse(received.Utf8);
            }
            catch (JsonException exception)
            {
                await ReplyErrorAsync(DeviceProtocol.Errors.Malformed, exception.Message, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (frame is null)
            {
                await ReplyErrorAsync(DeviceProtocol.Errors.Malformed, "not a JSON object", cancellationToken).ConfigureAwait(false);
                continue;
            }

            await HandleAsync(frame, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(DeviceFrame frame, CancellationToken cancellationToken)
    {
        var type = frame.Type;
        switch (type)
        {
            case DeviceProtocol.Types.Ack or DeviceProtocol.Types.Telemetry or DeviceProtocol.Types.Fault or DeviceProtocol.Types.Heartbeat:
                break;
            case null:
                await ReplyErrorAsync(DeviceProtocol.Errors.MissingField, "a message needs a type", cancellationToken).ConfigureAwait(false);
                return;
            default:
                await ReplyErrorAsync(DeviceProtocol.Errors.UnknownType, $"no message type '{Truncate(type)}' after authentication", cancellationToken).ConfigureAwait(false);
                return;
        }

        var missing = MissingField(frame);
        if (missing is not null)
        {
            await ReplyErrorAsync(DeviceProtocol.Errors.MissingField, $"{type} needs {missing}", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!AcceptSequence(frame.Seq!.Value))
        {
            return;
        }

        Metrics.Message(type);
        var at = frame.At ?? Time.GetUtcNow();
        switch (type)
        {
            case DeviceProtocol.Types.Ack:
                if (_pending.TryGetValue(frame.CommandId!, out var pending))
                {
                    pending.TrySetResult(new DeviceAck(frame.CommandId!, frame.Ok!.Value, frame.Error));
                }
                else
                {
                    await ReplyErrorAsync(DeviceProtocol.Errors.UnknownCommand, $"no command '{Truncate(frame.CommandId!)}' is waiting for an ack", cancellationToken).ConfigureAwait(false);
                }

                break;
            case DeviceProtocol.Types.Telemetry:
                await ForwardAsync(grain => grain.OnTelemetry(frame.Name!, frame.Data ?? s_noData, at)).ConfigureAwait(false);
                break;
            case DeviceProtocol.Types.Fault:
                await ForwardAsync(grain => grain.OnFaultWithData(frame.Code!, frame.Message ?? frame.Code!, frame.Data ?? s_noData, at)).ConfigureAwait(false);
                break;
            default:
                await ForwardAsync(grain => grain.OnHeartbeat(at)).ConfigureAwait(false);
                break;
        }
    }

    private static string? MissingField(DeviceFrame frame) => frame switch
    {
        { Seq: null } => "seq",
        { Type: DeviceProtocol.Types.Ack, CommandId: null or "" } => "commandId",
        { Type: DeviceProtocol.Types.Ack, Ok: null } => "ok",
        { Type: DeviceProtocol.Types.Telemetry, Name: null or "" } => "name",
        { Type: DeviceProtocol.Types.Fault, Code: null or "" } => "code",
        _ => null,
    };

    /// <summary>Seq must grow: a repeated or older one is a duplicate (ignored), a jump is a gap (accepted); both counted.</summary>
    private bool AcceptSequence(long seq)
    {
        if (_lastSeq is { } last)
        {
            if (seq == last)
            {
                Metrics.SequenceAnomaly("duplicate", DeviceId);
                LogSequenceIgnored(DeviceId, seq, last);
                return false;
            }

            if (seq < last)
            {
                Metrics.SequenceAnomaly("out-of-order", DeviceId);
                LogSequenceIgnored(DeviceId, seq, last);
                return false;
            }

            if (seq > last + 1)
            {
                Metrics.SequenceAnomaly("gap", DeviceId);
                LogSequenceGap(DeviceId, last, seq);
            }
        }

        _lastSeq = seq;
        return true;
    }

    private async Task ForwardAsync(Func<IDeviceGrain, Task> call)
    {
        try
        {
            await call(Grain).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            LogForwardFailed(exception, DeviceId);
        }
    }

    /// <summary>Answers a bad message with an error; the connection stays open.</summary>
    private async Task ReplyErrorAsync(string code, string message, CancellationToken cancellationToken)
    {
        Metrics.ProtocolError(code, DeviceId);
        LogBadMessage(DeviceId, code, message);
        try
        {
            await _channel.SendAsync(new DeviceFrame { Type = DeviceProtocol.Types.Error, Code = code, Message = message }, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException)
        {
            // The receive loop notices the broken socket on its next read.
        }
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64];
}
