using BorderGate.Devices.Keys;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Simulation.Tests.Play;

/// <summary>The real silo on a loopback Kestrel port, on SQLite in a temp directory, its site clock scaled.</summary>
public sealed class SimulatedSilo : WebApplicationFactory<Program>
{
    public const string DeviceSecret = "simulation-test-secret";

    /// <summary>The development accounts' secret (the simulation signs in as the supervisor and as each company).</summary>
    public const string AuthSecret = "simulation-test-auth";
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="services">Extra services for a test (a startup filter that slows requests, say).</param>
    public SimulatedSilo(string dataDirectory, double speedUp, DateTimeOffset siteStart, Action<IServiceCollection>? services = null)
    {
        _services = services;
        _settings = new Dictionary<string, string?>
        {
            ["BorderGate:DataDirectory"] = dataDirectory,
            [DevelopmentDeviceKeys.SharedSecretKey] = DeviceSecret,
            [BorderGate.Contracts.Auth.DevelopmentCredentials.SecretKey] = AuthSecret,
            ["BorderGate:Simulation:SpeedUp"] = speedUp.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["BorderGate:Simulation:Start"] = siteStart.ToString("O"),
            ["Logging:LogLevel:Default"] = "Error",
        };
        // Listening on a free loopback port by Kestrel itself: UseKestrel(0) races the started host (dotnet/aspnetcore#67714).
        UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
    }

    public Uri BaseAddress { get; private set; } = null!;

    public Uri Start()
    {
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        return BaseAddress;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }
    }
}
