using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace BorderGate.TestSupport;

/// <summary>
/// A SignalR client for tests and load commands, speaking the JSON hub protocol over a WebSocket (the registry has no .NET
/// SignalR client): the handshake, invocations with their completions, the server's invocations of client methods (in
/// the order they came), pings. It connects straight with the WebSockets transport (no negotiate round trip), as
/// <c>@microsoft/signalr</c> does with <c>skipNegotiation</c>.
/// </summary>
public sealed class HubTestClient : IAsyncDisposable
{
    private const byte RecordSeparator = 0x1e;
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<HubMessage> _messages = Channel.CreateUnbounded<HubMessage>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly Dictionary<string, TaskCompletionSource<JsonElement>> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Queue<JsonElement> _items = new();
    private readonly CancellationTokenSource _closing = new();
    private Task _receiving = Task.CompletedTask;
    private int _nextInvocation;

    private HubTestClient()
    {
    }

    /// <summary>True while the WebSocket is open.</summary>
    public bool IsOpen => _socket.State == WebSocketState.Open;

    /// <summary>Why the server closed the connection, if it did (a "close" message's error).</summary>
    public string? CloseError { get; private set; }

    /// <summary>
    /// Connects to the hub at <paramref name="hubUrl"/> (http or https; the WebSocket scheme is derived), with
    /// <paramref name="accessToken"/> on its URL as browsers send it, and completes the handshake. A refused token fails the
    /// WebSocket's upgrade (<see cref="WebSocketException"/> naming the status).
    /// </summary>
    public static async Task<HubTestClient> ConnectAsync(Uri hubUrl, string? accessToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hubUrl);
        var client = new HubTestClient();
        var builder = new UriBuilder(hubUrl) { Scheme = hubUrl.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" };
        if (accessToken is not null)
        {
            builder.Query = "access_token=" + Uri.EscapeDataString(accessToken);
        }

        await client._socket.ConnectAsync(builder.Uri, cancellationToken).ConfigureAwait(false);
        await client.SendRawAsync("{\"protocol\":\"json\",\"version\":1}", cancellationToken).ConfigureAwait(false);
        var handshake = await client.ReceiveRecordsAsync(cancellationToken).ConfigureAwait(false);
        if (handshake.Count == 0)
        {
            throw new InvalidOperationException("The hub did not answer the handshake.");
        }

        if (handshake[0].TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"The hub refused the handshake: {error.GetString()}");
        }

        foreach (var early in handshake.Skip(1))
        {
            client.Dispatch(early);
        }

        client._receiving = Task.Run(client.ReceiveLoopAsync, CancellationToken.None);
        return client;
    }

    /// <summary>Calls a hub method and returns its result (JSON); a hub error throws <see cref="HubCallException"/> with the server's message.</summary>
    public async Task<JsonElement> InvokeAsync(string target, object?[] arguments, CancellationToken cancellationToken = default)
    {
        var id = Interlocked.Increment(ref _nextInvocation).ToString(CultureInfo.InvariantCulture);
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pending)
        {
            _pending[id] = completion;
        }

        var message = JsonSerializer.Serialize(new { type = 1, invocationId = id, target, arguments });
        await SendRawAsync(message, cancellationToken).ConfigureAwait(false);
        return await completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The next invocation the server made of a client method, in the order they came; with <paramref name="target"/>, the
    /// next one of that method (those of others before it are dropped).
    /// </summary>
    public async Task<HubMessage> NextAsync(TimeSpan timeout, string? target = null)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var message = await _messages.Reader.ReadAsync(cancel.Token).ConfigureAwait(false);
                if (target is null || message.Target == target)
                {
                    return message;
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"No message from the hub within {timeout}.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The hub connection closed{(CloseError is null ? string.Empty : $": {CloseError}")}.");
        }
    }

    /// <summary>
    /// The next item of a client method that sends items in batches (its first argument an array, in order): the batches
    /// of <paramref name="target"/> are taken apart, and what is left of one is handed out before the next is read.
    /// </summary>
    public async Task<JsonElement> NextItemAsync(TimeSpan timeout, string target)
    {
        JsonElement item;
        while (!_items.TryDequeue(out item))
        {
            var batch = await NextAsync(timeout, target).ConfigureAwait(false);
            foreach (var each in batch.Arguments[0].EnumerateArray())
            {
                _items.Enqueue(each.Clone());
            }
        }

        return item;
    }

    /// <summary>True when an item of a batched client method is already waiting (see <see cref="NextItemAsync"/>).</summary>
    public bool TryNextItem(string target, out JsonElement item)
    {
        while (_items.Count == 0 && TryNext(target, out var batch))
        {
            foreach (var each in batch.Arguments[0].EnumerateArray())
            {
                _items.Enqueue(each.Clone());
            }
        }

        return _items.TryDequeue(out item);
    }

    /// <summary>True when a message of <paramref name="target"/> is already waiting (those of others before it are dropped).</summary>
    public bool TryNext(string target, out HubMessage message)
    {
        while (_messages.Reader.TryRead(out message!))
        {
            if (message.Target == target)
            {
                return true;
            }
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync().ConfigureAwait(false);
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
                // Closed from the other side meanwhile.
            }
        }

        try
        {
            await _receiving.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            // The connection was already broken.
        }

        _socket.Dispose();
        _sendLock.Dispose();
        _closing.Dispose();
    }

    /// <summary>Drops the connection without a close handshake (a phone losing its network).</summary>
    public void Abort() => _socket.Abort();

    private async Task SendRawAsync(string json, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(json + (char)RecordSeparator);
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (!_closing.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                var records = await ReceiveRecordsAsync(_closing.Token).ConfigureAwait(false);
                if (records.Count == 0 && _socket.State != WebSocketState.Open)
                {
                    break;
                }

                foreach (var record in records)
                {
                    Dispatch(record);
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            // Closed or aborted.
        }
        finally
        {
            _messages.Writer.TryComplete();
            lock (_pending)
            {
                foreach (var pending in _pending.Values)
                {
                    pending.TrySetException(new InvalidOperationException("The hub connection closed before the call completed."));
                }
            }
        }
    }

    /// <summary>Reads one WebSocket message and splits it into its JSON records (a message may hold several).</summary>
    private async Task<List<JsonElement>> ReceiveRecordsAsync(CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        ValueWebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return [];
            }

            buffer.Advance(result.Count);
        }
        while (!result.EndOfMessage);

        var records = new List<JsonElement>();
        var span = buffer.WrittenSpan;
        int end;
        while ((end = span.IndexOf(RecordSeparator)) >= 0)
        {
            using var document = JsonDocument.Parse(span[..end].ToArray());
            records.Add(document.RootElement.Clone());
            span = span[(end + 1)..];
        }

        return records;
    }

    private void Dispatch(JsonElement record)
    {
        var type = record.TryGetProperty("type", out var t) ? t.GetInt32() : 0;
        switch (type)
        {
            case 1:
                _messages.Writer.TryWrite(new HubMessage(record.GetProperty("target").GetString()!, [.. record.GetProperty("arguments").EnumerateArray()]));
                break;
            case 3:
                var id = record.GetProperty("invocationId").GetString()!;
                TaskCompletionSource<JsonElement>? completion;
                lock (_pending)
                {
                    _pending.Remove(id, out completion);
                }

                if (record.TryGetProperty("error", out var error))
                {
                    completion?.TrySetException(new HubCallException(error.GetString() ?? "hub error"));
                }
                else
                {
                    completion?.TrySetResult(record.TryGetProperty("result", out var result) ? result : default);
                }

                break;
            case 7:
                CloseError = record.TryGetProperty("error", out var closeError) ? closeError.GetString() : null;
                break;
            default:
                // 6: ping; others are not used by these hubs.
                break;
        }
    }
}

/// <summary>A client method the server invoked, with its arguments as JSON.</summary>
public sealed record HubMessage(string Target, IReadOnlyList<JsonElement> Arguments);

/// <summary>A hub method call that the server answered with an error.</summary>
public sealed class HubCallException(string message) : Exception(message);
