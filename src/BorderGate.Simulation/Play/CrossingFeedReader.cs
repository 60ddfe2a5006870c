using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using BorderGate.Contracts.Crossing;

namespace BorderGate.Simulation.Play;

/// <summary>One event of a crossing's feed with its sequence number.</summary>
public sealed record FeedItem(long Sequence, CrossingEvent Event);

/// <summary>
/// Reads a silo's crossing feed (<c>GET /api/crossing/feed</c>, server-sent events) as a client does: one event per
/// blank-line-terminated block of <c>id:</c>, <c>event:</c> and <c>data:</c> lines; comments (keep-alives) skipped.
/// </summary>
public static class CrossingFeedReader
{
    /// <summary>
    /// Opens the feed (after <paramref name="after"/>, or live only when null) and returns once the silo has
    /// subscribed (its headers arrived), with the events to read.
    /// </summary>
    public static async Task<IAsyncEnumerable<FeedItem>> OpenAsync(HttpClient http, Uri siloUrl, long? after, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var path = after is { } from ? string.Create(CultureInfo.InvariantCulture, $"/api/crossing/feed?after={from}") : "/api/crossing/feed";
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(siloUrl, path));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            response.EnsureSuccessStatusCode();
        }
        catch
        {
            response.Dispose();
            request.Dispose();
            throw;
        }

        return ReadAsync(request, response, cancellationToken);
    }

    private static async IAsyncEnumerable<FeedItem> ReadAsync(HttpRequestMessage request, HttpResponseMessage response, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var owned = request;
        using var answer = response;
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), Encoding.UTF8);
        long? id = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (id is { } sequence && data.Length > 0)
                {
                    var item = JsonSerializer.Deserialize<CrossingEvent>(data.ToString(), CrossingSimulation.Json)
                        ?? throw new InvalidDataException($"Feed event {sequence} has no data.");
                    yield return new FeedItem(sequence, item);
                }

                id = null;
                data.Clear();
                continue;
            }

            if (line[0] == ':')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? string.Empty : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id":
                    id = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                    break;
                case "data":
                    if (data.Length > 0)
                    {
                        data.Append('\n');
                    }

                    data.Append(value);
                    break;
            }
        }
    }
}
