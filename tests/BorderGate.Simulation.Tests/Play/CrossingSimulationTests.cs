using BorderGate.Contracts.Site;
using BorderGate.Devices.Keys;
using BorderGate.Simulation.Plan;
using BorderGate.Simulation.Play;
using BorderGate.Simulation.Time;
using BorderGate.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BorderGate.Simulation.Tests.Play;

/// <summary>A small day against the real silo (Kestrel on loopback, SQLite) with simulated devices over real sockets.</summary>
public sealed class CrossingSimulationTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset s_siteStart = new(2026, 3, 2, 20, 55, 0, TimeSpan.Zero); // 03:55 in Lang Son

    [Fact]
    public async Task SmallDay_AtHighSpeedUp_EveryTruckEndsFinal_WithoutViolations()
    {
        using var data = new TempDirectory();
        await using var silo = new SimulatedSilo(data.Path, speedUp: 3000, s_siteStart);
        var baseUrl = silo.Start();
        var clock = silo.Services.GetRequiredService<ScaledTimeProvider>();
        var layout = silo.Services.GetRequiredService<SiteLayout>();
        var plan = DayPlan.Generate(11, 40, layout, s_siteStart + TimeSpan.FromMinutes(5) - TimeSpan.FromHours(ArrivalCurve.EarliestHour));
        using var http = new HttpClient();
        using var progress = new StringWriter();
        await using var simulation = new CrossingSimulation(http, layout, clock, new SimulationOptions
        {
            SiloUrl = baseUrl,
            KeyFor = id => DevelopmentDeviceKeys.Derive(SimulatedSilo.DeviceSecret, id),
            PollInterval = TimeSpan.FromMilliseconds(20),
            SettleTimeout = TimeSpan.FromSeconds(15),
            Progress = progress,
        });

        var report = await simulation.RunAsync(plan);

        using var text = new StringWriter();
        report.WriteTo(text);
        output.WriteLine(text.ToString());
        output.WriteLine(progress.ToString());
        Assert.Empty(report.Violations);
        var final = new[] { "Completed", "Held", "NoShow", CrossingSimulation.Outcomes.HeldAtEntrance }.Sum(s => report.FinalStatusCounts.GetValueOrDefault(s));
        Assert.Equal(plan.Trucks.Count, final);
        Assert.True(report.FinalStatusCounts.GetValueOrDefault("Completed") >= plan.Trucks.Count * 0.8);
        Assert.True(report.WallTime < TimeSpan.FromSeconds(60), $"took {report.WallTime}");
    }
}
