using BorderGate.Contracts.Auth;
using BorderGate.Contracts.Site;
using BorderGate.Devices.Keys;
using BorderGate.Simulation.Plan;
using BorderGate.Simulation.Play;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BorderGate.Simulation.Hosting;

/// <summary>
/// Plays one day against the silo it runs in (<c>BorderGate:Simulation:Enabled=true</c>): once the host has
/// started, the simulated devices connect to the silo's own address and the day of
/// <c>BorderGate:Simulation:Trucks</c> (default 2000) trucks, seed <c>BorderGate:Simulation:Seed</c> (default 7), is played; the report is logged.
/// </summary>
public sealed partial class SimulatedDayService(
    TimeProvider clock,
    SiteLayout layout,
    IServer server,
    IHostApplicationLifetime lifetime,
    IConfiguration configuration,
    ILogger<SimulatedDayService> logger) : BackgroundService
{
    public const string SectionName = "BorderGate:Simulation";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        }

        var secret = configuration[DevelopmentDeviceKeys.SharedSecretKey];
        if (string.IsNullOrEmpty(secret))
        {
            LogNoSecret(logger, DevelopmentDeviceKeys.SharedSecretKey);
            return;
        }

        var authSecret = configuration[DevelopmentCredentials.SecretKey];
        if (string.IsNullOrEmpty(authSecret))
        {
            LogNoSecret(logger, DevelopmentCredentials.SecretKey);
            return;
        }

        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The silo listens on no address the simulation could connect to.");
        var baseUrl = new Uri(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal));
        var section = configuration.GetSection(SectionName);
        var trucks = section.GetValue("Trucks", 2000);
        var seed = section.GetValue("Seed", 7);
        var now = clock.GetUtcNow();
        var plan = DayPlan.Generate(seed, trucks, layout, now + TimeSpan.FromMinutes(1) - TimeSpan.FromHours(ArrivalCurve.EarliestHour));
        var options = new SimulationOptions
        {
            SiloUrl = baseUrl,
            KeyFor = deviceId => DevelopmentDeviceKeys.Derive(secret, deviceId),
            Credentials = SiloCredentials.Development(authSecret),
            PollInterval = TimeSpan.FromMilliseconds(section.GetValue("PollMilliseconds", 100)),
        };
        LogStarting(logger, trucks, seed, baseUrl);
        await using var simulation = new CrossingSimulation(layout, clock, options);
        var report = await simulation.RunAsync(plan, stoppingToken).ConfigureAwait(false);
        using var text = new StringWriter();
        report.WriteTo(text);
        LogReport(logger, text.ToString());
    }

    [LoggerMessage(3001, LogLevel.Information, "Simulation: playing {Trucks} trucks (seed {Seed}) against {Url}")]
    private static partial void LogStarting(ILogger logger, int trucks, int seed, Uri url);

    [LoggerMessage(3002, LogLevel.Information, "Simulation report:\n{Report}")]
    private static partial void LogReport(ILogger logger, string report);

    [LoggerMessage(3003, LogLevel.Error, "Simulation: {Key} is not set; the simulation cannot authenticate (devices, operator, companies), the day is not played")]
    private static partial void LogNoSecret(ILogger logger, string key);
}
