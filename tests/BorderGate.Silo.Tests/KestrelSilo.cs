using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using BorderGate.Contracts.Auth;
using BorderGate.Simulation.Play;
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
    private readonly ConcurrentDictionary<string, HttpClient> _companies = new(StringComparer.Ordinal);

    /// <param name="settings">Configuration over the defaults.</param>
    /// <param name="services">Services over the host's (a test clock, say).</param>
    public KestrelSilo(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?> { ["BorderGate:DataDirectory"] = _data.Path };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        _silo = new SiloFactory(all, services);
        // Kestrel told to listen on a free loopback port itself: UseKestrel(0) rewrites the addresses after the host started
        // them, and loses that race now and then (dotnet/aspnetcore#67714).
        _silo.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
        _silo.StartServer();
        BaseAddress = new Uri(_silo.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Http = SignedInHandler.Client(BaseAddress, TestAuth.Credentials, TimeSpan.FromSeconds(30));
        Anonymous = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    /// <summary>Signed in as the development supervisor (everything an operator and a supervisor may do).</summary>
    public HttpClient Http { get; }

    /// <summary>Signed in as nobody.</summary>
    public HttpClient Anonymous { get; }

    /// <summary>Signed in as <paramref name="company"/> (one client per company, kept).</summary>
    public HttpClient Company(string company = TestDeclarations.Company) =>
        _companies.GetOrAdd(company, c => SignedInHandler.Client(BaseAddress, TestAuth.Credentials, TimeSpan.FromSeconds(30), asCompany: c));

    /// <summary>A driver's token: signed in with the truck's plate and declaration number.</summary>
    public Task<string> DriverTokenAsync(string plate, string declaration = TestDeclarations.Number) =>
        TokenAsync(SignInRoutes.Driver, new DriverSignIn(plate, declaration));

    /// <summary>An operator's or supervisor's token (development accounts).</summary>
    public Task<string> OperatorTokenAsync(string user = DevelopmentCredentials.SupervisorName) =>
        TokenAsync(SignInRoutes.Operator, new OperatorSignIn(user, TestAuth.Secret));

    /// <summary>A company's token (its development key).</summary>
    public Task<string> CompanyTokenAsync(string company) =>
        TokenAsync(SignInRoutes.Company, new CompanySignIn(company, TestAuth.CompanyKey(company)));

    private async Task<string> TokenAsync<T>(string route, T signIn)
    {
        using var response = await Anonymous.PostAsJsonAsync(route, signIn);
        Assert.True(response.IsSuccessStatusCode, $"sign-in at {route}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<SignedIn>())!.AccessToken;
    }

    /// <summary>A client that sends <paramref name="token"/>.</summary>
    public HttpClient WithToken(string token) =>
        new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30), DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };

    public IServiceProvider Services => _silo.Services;

    /// <summary>Declares a trip for <paramref name="plate"/>, reports the truck at the entrance, and waits until a lane called it (three steps on the feed).</summary>
    public async Task DeclareAndArriveAsync(string plate)
    {
        var created = await Company().PostAsJsonAsync("/api/trips", TestDeclarations.Declaration(plate));
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
        Anonymous.Dispose();
        foreach (var client in _companies.Values)
        {
            client.Dispose();
        }

        await _silo.DisposeAsync();
        _data.Dispose();
    }
}
