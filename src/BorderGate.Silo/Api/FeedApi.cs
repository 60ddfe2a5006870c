using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.IO.Pipelines;
using System.Threading.Channels;
using BorderGate.Actors.Streams;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace BorderGate.Silo.Api;

/// <summary>
/// <c>GET /api/crossing/feed</c>: the crossing's feed as server-sent events (<c>text/event-stream</c>). Each event
/// is <c>id: {sequence}</c>, <c>event: {type}</c>, <c>data: {json}</c>. With <c>?after=N</c> or a
/// <c>Last-Event-ID: N</c> header (what an EventSource sends when it reconnects) the stream starts with the
/// stored events after N, then follows live ones with no gap and no duplicate; without either, live events
/// only. A comment line every <see cref="KeepAlive"/> keeps idle proxies from closing the connection.
/// </summary>
internal static partial class FeedApi
{
    /// <summary>How often an idle feed sends a keep-alive comment.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    private const int Buffered = 1024;

    private static readonly byte[] s_keepAlive = ": keep-alive\n\n"u8.ToArray();

    public static RouteGroupBuilder MapFeedApi(this RouteGroupBuilder api)
    {
        api.MapGet("/crossing/feed", StreamAsync).RequireAuthorization(Auth.Policies.Operators);
        return api;
    }

    private static async Task StreamAsync(
        HttpContext http,
        [FromKeyedServices(CrossingEvent.StreamProvider)] IStreamProvider streams,
        SiteLayout site,
        IOptions<JsonOptions> jsonOptions,
        Auth.AuthClock authClock,
        ILoggerFactory loggers)
    {
        // The API's own JSON settings, and the event names its polymorphism declares (the "type" in each body).
        var json = jsonOptions.Value.SerializerOptions;
        if (!TryReadStart(http.Request, out var after, out var problem))
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsJsonAsync(new ProblemDetailsBody(problem), json, http.RequestAborted).ConfigureAwait(false);
            return;
        }

        var names = json.GetTypeInfo(typeof(CrossingEvent)).PolymorphismOptions!.DerivedTypes
            .ToDictionary(d => d.DerivedType, d => (string)d.TypeDiscriminator!);

        // The feed lasts as long as the token that opened it: at its expiry the stream ends, and the client comes back with
        // a fresh token and Last-Event-ID (nothing is lost: it resumes after the last event it had).
        using var expiry = http.User.FindFirst("exp")?.Value is { } exp && long.TryParse(exp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? new CancellationTokenSource(TimeSpan.FromTicks(Math.Max(1, (DateTimeOffset.FromUnixTimeSeconds(seconds) - authClock.Time.GetUtcNow()).Ticks)), authClock.Time)
            : new CancellationTokenSource();
        using var open = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, expiry.Token);
        var aborted = open.Token;
        var events = Channel.CreateBounded<StreamEvent<CrossingEvent>>(new BoundedChannelOptions(Buffered) { SingleReader = true, SingleWriter = true });
        var stream = streams.GetStream<CrossingEvent>(CrossingEvent.StreamFor(site.CrossingId));

        // A slow client slows only its own subscription's delivery (the channel is bounded), never the publishers.
        await using var subscription = await stream.SubscribeAsync((e, ct) => events.Writer.WriteAsync(e, ct).AsTask(), after, aborted).ConfigureAwait(false);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "text/event-stream; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.Body.FlushAsync(aborted).ConfigureAwait(false);
        LogOpened(loggers.CreateLogger(typeof(FeedApi)), site.CrossingId, after);

        var body = http.Response.BodyWriter;
        var ready = events.Reader.WaitToReadAsync(aborted).AsTask();
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = ready.IsCompleted ? await ready.ConfigureAwait(false) : await ready.WaitAsync(KeepAlive, aborted).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    await body.WriteAsync(s_keepAlive, aborted).ConfigureAwait(false);
                    continue;
                }

                if (!more)
                {
                    return;
                }

                while (events.Reader.TryRead(out var next))
                {
                    Write(body, next, names[next.Item.GetType()], json);
                }

                await body.FlushAsync(aborted).ConfigureAwait(false);
                ready = events.Reader.WaitToReadAsync(aborted).AsTask();
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away, or its token expired (the response ends; it reconnects signed in again).
        }
    }

    private static void Write(PipeWriter body, StreamEvent<CrossingEvent> next, string type, JsonSerializerOptions json)
    {
        var head = string.Create(CultureInfo.InvariantCulture, $"id: {next.Sequence}\nevent: {type}\ndata: ");
        Encoding.UTF8.GetBytes(head, body);
        using (var writer = new Utf8JsonWriter(body))
        {
            JsonSerializer.Serialize(writer, next.Item, json);
        }

        body.Write("\n\n"u8);
    }

    /// <summary>Reads where the client wants to start: <c>?after=N</c>, else <c>Last-Event-ID</c>, else live only.</summary>
    private static bool TryReadStart(HttpRequest request, out long? after, out string problem)
    {
        after = null;
        problem = string.Empty;
        var (source, text) = request.Query.TryGetValue("after", out var query)
            ? ("after", query.ToString())
            : request.Headers.TryGetValue("Last-Event-ID", out var header) ? ("Last-Event-ID", header.ToString()) : (null, null);
        if (source is null)
        {
            return true;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            after = sequence;
            return true;
        }

        problem = $"{source} must be a feed sequence number (0 or a positive whole number); got '{text}'.";
        return false;
    }

    [LoggerMessage(4101, LogLevel.Debug, "Feed of {Crossing} opened (after {After})")]
    private static partial void LogOpened(ILogger logger, string crossing, long? after);
}
