using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace BorderGate.Devices.Protocol;

/// <summary>Reads and writes protocol messages on a WebSocket: one JSON text frame per message, at most <see cref="DeviceProtocol.MaxFrameBytes"/>.</summary>
internal sealed class FrameChannel(WebSocket socket) : IDisposable
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly byte[] _buffer = new byte[DeviceProtocol.MaxFrameBytes];

    public WebSocket Socket => socket;

    /// <summary>Reads the next message; the frame's bytes stay valid until the next read.</summary>
    public async Task<ReceivedFrame> ReceiveAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            if (length == _buffer.Length)
            {
                return new ReceivedFrame(FrameKind.TooLarge, default);
            }

            var result = await socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return new ReceivedFrame(FrameKind.Closed, default);
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return result.MessageType == WebSocketMessageType.Binary
                    ? new ReceivedFrame(FrameKind.Binary, default)
                    : new ReceivedFrame(FrameKind.Text, _buffer.AsMemory(0, length));
            }
        }
    }

    public async Task SendAsync(DeviceFrame frame, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(frame, DeviceProtocolJsonContext.Default.DeviceFrame);
        await SendRawAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a frame numbered by <paramref name="nextSeq"/> while this channel's sends are held: concurrent senders
    /// put their seqs on the wire in the order they were taken, so the receiver never sees a lower seq after a higher one.
    /// </summary>
    public Task SendNumberedAsync(DeviceFrame frame, Func<long> nextSeq, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(nextSeq);
        return SendHeldAsync(
            () =>
            {
                frame.Seq = nextSeq();
                return JsonSerializer.SerializeToUtf8Bytes(frame, DeviceProtocolJsonContext.Default.DeviceFrame);
            },
            cancellationToken);
    }

    /// <summary>Sends text as it is (the simulation's fault injection and the tests send broken messages).</summary>
    public Task SendRawAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken) => SendHeldAsync(() => utf8, cancellationToken);

    /// <summary>One message at a time on the socket; <paramref name="message"/> is made once this send holds it.</summary>
    private async Task SendHeldAsync(Func<ReadOnlyMemory<byte>> message, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(message(), WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Closes the sending side with <paramref name="status"/>, waiting at most <paramref name="timeout"/>.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string description, TimeSpan timeout)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeoutSource = new CancellationTokenSource(timeout);
        try
        {
            await _sendLock.WaitAsync(timeoutSource.Token).ConfigureAwait(false);
            try
            {
                await socket.CloseOutputAsync(status, description, timeoutSource.Token).ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            socket.Abort();
        }
    }

    public static DeviceFrame? Parse(ReadOnlyMemory<byte> utf8) =>
        JsonSerializer.Deserialize(utf8.Span, DeviceProtocolJsonContext.Default.DeviceFrame);

    public void Dispose() => _sendLock.Dispose();
}

internal enum FrameKind
{
    Text,
    Binary,
    TooLarge,
    Closed,
}

internal readonly record struct ReceivedFrame(FrameKind Kind, ReadOnlyMemory<byte> Utf8);
