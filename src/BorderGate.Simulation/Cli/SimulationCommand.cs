using System.CommandLine;
using System.Globalization;
using BorderGate.Contracts.Auth;
using BorderGate.Contracts.Site;
using BorderGate.Devices.Keys;
using BorderGate.Simulation.Plan;
using BorderGate.Simulation.Play;
using BorderGate.Simulation.Time;

namespace BorderGate.Simulation.Cli;

/// <summary>
/// <c>dotnet run --project src/BorderGate.Simulation -- --trucks 2000 --speedup 600 --seed 7 --url http://localhost:5080</c>:
/// plays a day against a running silo (which must run with the same <c>BorderGate:Simulation:SpeedUp</c> and the
/// development device secret) and prints the KPIs and the invariant violations; exit code 1 when there are any.
/// </summary>
internal static class SimulationCommand
{
    public static RootCommand Build()
    {
        var trucks = new Option<int>("--trucks") { Description = "Trucks in the day.", DefaultValueFactory = _ => 2000 };
        var speedUp = new Option<double>("--speedup") { Description = "Site seconds per real second; must match the silo's BorderGate:Simulation:SpeedUp.", DefaultValueFactory = _ => 600 };
        var seed = new Option<int>("--seed") { Description = "Seed of the day plan.", DefaultValueFactory = _ => 7 };
        var url = new Option<Uri>("--url") { Description = "The silo's base URL.", DefaultValueFactory = _ => new Uri("http://localhost:5080") };
        var site = new Option<string?>("--site") { Description = "Site layout file (default: the silo's default, huu-nghi.json)." };
        var secret = new Option<string>("--device-secret")
        {
            Description = $"The silo's {DevelopmentDeviceKeys.SharedSecretKey} (development device keys).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BorderGate__Devices__DevelopmentSharedSecret") ?? "bordergate-dev",
        };
        var authSecret = new Option<string>("--auth-secret")
        {
            Description = $"The silo's {DevelopmentCredentials.SecretKey} (development accounts: the simulation signs in as the supervisor and as each company).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BorderGate__Auth__DevelopmentSecret") ?? "bordergate-dev-only",
        };
        var faults = new Option<SimulationFaults[]>("--fault") { Description = "Faults to inject (repeatable).", AllowMultipleArgumentsPerToken = true };
        var poll = new Option<int>("--poll-ms") { Description = "Real milliseconds between crossing snapshots.", DefaultValueFactory = _ => 100 };

        var root = new RootCommand("Plays a generated day of trucks against a running BorderGate silo.") { trucks, speedUp, seed, url, site, secret, authSecret, faults, poll };
        root.SetAction(async (result, cancellationToken) =>
        {
            var layout = SiteLayoutLoader.Load(result.GetValue(site) is { Length: > 0 } path ? (File.Exists(path) ? path : SiteLayouts.PathOf(path)) : SiteLayouts.DefaultPath);
            var baseUrl = result.GetValue(url)!;
            var sharedSecret = result.GetValue(secret)!;
            var credentials = SiloCredentials.Development(result.GetValue(authSecret)!);
            using var http = SignedInHandler.Client(baseUrl, credentials, TimeSpan.FromSeconds(30));

            // The silo's site clock: read once from the route snapshot, then run at the same speed-up.
            var siteNow = await SiteClock.ReadSiloNowAsync(http, baseUrl, cancellationToken).ConfigureAwait(false);
            var clock = new ScaledTimeProvider(result.GetValue(speedUp), siteNow);
            var plan = DayPlan.Generate(result.GetValue(seed), result.GetValue(trucks), layout, siteNow + TimeSpan.FromMinutes(1) - TimeSpan.FromHours(ArrivalCurve.EarliestHour));
            var options = new SimulationOptions
            {
                SiloUrl = baseUrl,
                KeyFor = deviceId => DevelopmentDeviceKeys.Derive(sharedSecret, deviceId),
                Credentials = credentials,
                PollInterval = TimeSpan.FromMilliseconds(Math.Max(5, result.GetValue(poll))),
                Faults = (result.GetValue(faults) ?? []).Aggregate(SimulationFaults.None, (all, f) => all | f),
                Progress = Console.Out,
            };
            await using var simulation = new CrossingSimulation(layout, clock, options);
            var report = await simulation.RunAsync(plan, cancellationToken).ConfigureAwait(false);
            report.WriteTo(Console.Out);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"speedup: {clock.SpeedUp}"));
            return report.Passed ? 0 : 1;
        });
        return root;
    }
}
