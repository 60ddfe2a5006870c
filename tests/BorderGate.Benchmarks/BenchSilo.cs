extern alias silo;

using System.Globalization;
using BorderGate.Contracts.Site;
using BorderGate.Contracts.Auth;
using BorderGate.Devices.Keys;
using BorderGate.Simulation.Play;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using SiloApp = silo::Program;

namespace BorderGate.Benchmarks;

/// <summary>The real silo in process for the quick modes: Kestrel on a free loopback port, SQLite in a temp directory.</summary>
internal sealed class BenchSilo : WebApplicationFactory<SiloApp>
{
    public const string DeviceSecret = "benchmark-secret";

    /// <summary>The development accounts' secret: the benchmarks sign in as the supervisor, the companies and the drivers.</summary>
    public const string AuthSecret = "benchmark-auth-secret";

    public static SiloCredentials Credentials { get; } = SiloCredentials.Development(AuthSecret);

    private readonly Dictionary<string, string?> _settings;

    /// <param name="speedUp">The site clock's speed-up; null: real time.</param>
    /// <param name="site">The site layout file; null: BORDERGATE_BENCH_SITE, else the 2030 plan.</param>
    public BenchSilo(string dataDirectory, double? speedUp = null, DateTimeOffset? siteStart = null, string? site = null)
    {
        _settings = new Dictionary<string, string?>
        {
            ["BorderGate:DataDirectory"] = dataDirectory,
            [DevelopmentDeviceKeys.SharedSecretKey] = DeviceSecret,
            [DevelopmentCredentials.SecretKey] = AuthSecret,
            ["Logging:LogLevel:Default"] = Environment.GetEnvironmentVariable("BORDERGATE_BENCH_LOG") ?? "Error",
            ["BorderGate:Site"] = site ?? (Environment.GetEnvironmentVariable("BORDERGATE_BENCH_SITE") is { Length: > 0 } named ? named : SiteLayouts.HuuNghi2030File),
        };
        if (speedUp is { } scale)
        {
            _settings["BorderGate:Simulation:SpeedUp"] = scale.ToString(CultureInfo.InvariantCulture);
        }

        if (siteStart is { } start)
        {
            _settings["BorderGate:Simulation:Start"] = start.ToString("O");
        }

        // Listening on a free loopback port by Kestrel itself: UseKestrel(0) races the started host (dotnet/aspnetcore#67714).
        UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));

        // The benchmark is no test project, so no content-root manifest is generated for the silo: its own directory in
        // the repository (where the web build puts wwwroot), else the benchmark's output.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_BORDERGATE_SILO", SiloProjectDirectory() ?? AppContext.BaseDirectory);
    }

    public Uri Start()
    {
        StartServer();
        return new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    private static string? SiloProjectDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "BorderGate.Silo");
            if (File.Exists(Path.Combine(directory.FullName, "BorderGate.sln")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
