using System.Net;
using System.Net.Http.Json;
using BorderGate.Contracts.Crossing;
using BorderGate.Simulation.Play;
using BorderGate.TestSupport;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Silo.Tests;

/// <summary>The crossing feed (server-sent events) on the real host over a real socket: live, resumed, refused.</summary>
public sealed class FeedApiTests : IAsyncLifetime
{
    private KestrelSilo _silo = null!;
    private HttpClient _http = null!;
    private Uri _base = null!;

    public Task InitializeAsync()
    {
        _silo = new KestrelSilo();
        _base = _silo.BaseAddress;
        _http = _silo.Http;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private Task DeclareAndArriveAsync(string plate) => _silo.DeclareAndArriveAsync(plate);

    private static async Task<List<FeedItem>> TakeAsync(IAsyncEnumerable<FeedItem> feed, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var items = new List<FeedItem>();
        await foreach (var item in feed.WithCancellation(timeout.Token))
        {
            items.Add(item);
            if (items.Count == count)
            {
                break;
            }
        }

        return items;
    }

    [Fact]
    public async Task LiveFeed_CarriesEveryStepOfATrip_InSequence()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var feed = await CrossingFeedReader.OpenAsync(_http, _base, after: null, cancel.Token);

        await DeclareAndArriveAsync("29C12345");

        var items = await TakeAsync(feed, 3);
        var moves = items.Select(i => Assert.IsType<TruckMoved>(i.Event)).ToList();
        Assert.Equal(["booked", "arrived", "called"], moves.Select(m => m.Event));
        Assert.Equal([TruckStatus.Booked, TruckStatus.Waiting, TruckStatus.Called], moves.Select(m => m.Status));
        Assert.All(moves, m => Assert.Equal("29C12345", m.Plate));
        Assert.StartsWith("lane-", moves[2].LaneId, StringComparison.Ordinal);
        Assert.Equal(items.Select(i => i.Sequence).Order(), items.Select(i => i.Sequence));
        Assert.Equal(items[0].Sequence + 2, items[2].Sequence);
    }

    [Fact]
    public async Task Reconnect_ResumesAfterTheLastSequence_WithoutGapOrDuplicate()
    {
        await DeclareAndArriveAsync("29C22222");
        await DeclareAndArriveAsync("29C33333");

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var everything = await TakeAsync(await CrossingFeedReader.OpenAsync(_http, _base, after: 0, cancel.Token), 6);
        Assert.Equal([1L, 2, 3, 4, 5, 6], everything.Select(i => i.Sequence));

        // A client that saw up to 2 (?after=) or up to 4 (Last-Event-ID, as EventSource sends it) gets exactly the rest.
        var fromQuery = await TakeAsync(await CrossingFeedReader.OpenAsync(_http, _base, after: 2, cancel.Token), 4);
        Assert.Equal([3L, 4, 5, 6], fromQuery.Select(i => i.Sequence));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/crossing/feed");
        request.Headers.Add("Last-Event-ID", "4");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        Assert.Equal("id: 5", await reader.ReadLineAsync(cancel.Token));
        Assert.Equal("event: truck", await reader.ReadLineAsync(cancel.Token));
        Assert.Contains("\"plate\":\"29C33333\"", await reader.ReadLineAsync(cancel.Token), StringComparison.Ordinal);

        // Live events keep coming after the stored ones on the same connection.
        await DeclareAndArriveAsync("29C44444");
        var resumed = await TakeAsync(await CrossingFeedReader.OpenAsync(_http, _base, after: 6, cancel.Token), 3);
        Assert.Equal([7L, 8, 9], resumed.Select(i => i.Sequence));
    }

    [Theory]
    [InlineData("/api/crossing/feed?after=-1")]
    [InlineData("/api/crossing/feed?after=abc")]
    [InlineData("/api/crossing/feed?after=1e3")]
    public async Task BadStart_IsRefusedWithAClearError(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("feed sequence number", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadLastEventId_IsRefusedWithAClearError_AndTheFeedStaysWhole()
    {
        await DeclareAndArriveAsync("29C55555");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/crossing/feed");
        request.Headers.TryAddWithoutValidation("Last-Event-ID", "seven");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Last-Event-ID must be a feed sequence number", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stored = await TakeAsync(await CrossingFeedReader.OpenAsync(_http, _base, after: 0, cancel.Token), 3);
        Assert.Equal([1L, 2, 3], stored.Select(i => i.Sequence));
    }
}
