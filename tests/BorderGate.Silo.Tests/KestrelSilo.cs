using System.Net;
using System.Net.Http.Json;
using BorderGate.TestSupport;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Silo.Tests;

/// <summary>The real silo host on Kestrel (a real socket on a free port), on SQLite in a temp directory unless told otherwise.</summary>
internal sealed class KestrelSilo : IAsyncDisposable
{
    private readonly TempDirectory _data = new();
    private readonly SiloFactory _silo;

    public KestrelSilo(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?> { ["BorderGate:DataDirectory"] = _data.Path };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        _silo = new SiloFactory(all);
        // Kestrel told to listen on a free loopback port itself: UseKestrel(0) rewrites the addresses after the host started
        // them, and loses that race now and then (dotnet/aspnetcore#67714).
        _silo.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
        _silo.StartServer();
        BaseAddress = new Uri(_silo.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _silo.Services;

    /// <summary>Declares a trip for <paramref name="plate"/>, reports the truck at the entrance, and waits until a lane called it (three steps on the feed).</summary>
    public async Task DeclareAndArriveAsync(string plate)
    {
        var created = await Http.PostAsJsonAsync("/api/trips", TestDeclarations.Declaration(plate));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        (await Http.PostAsJsonAsync("/api/crossing/arrivals", new { plate })).EnsureSuccessStatusCode();

        // The lane calls the truck a moment after the gate gave it the truck: its three steps are on the feed before the next.
        await Wait.WaitUntil(
            async () => (await Http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/trucks/{plate}/status")).GetProperty("status").GetString() == "Called",
            TimeSpan.FromSeconds(10),
            $"truck {plate} called");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _silo.DisposeAsync();
        _data.Dispose();
    }
}
