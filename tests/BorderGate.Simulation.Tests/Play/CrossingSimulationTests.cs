using BorderGate.Contracts.Site;
using BorderGate.Devices.Keys;
using BorderGate.Simulation.Plan;
using BorderGate.Simulation.Play;
using BorderGate.Simulation.Time;
using BorderGate.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
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
        using var progress = new StringWriter();

        var (plan, report) = await PlayAsync(silo, 40, plan => plan, progress);

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

    [Fact]
    public async Task ADeclarationWhoseArrivalPassedWhileItWaited_IsAskedAgain_NotCountedAsAViolation()
    {
        // Each company declares at the very moment it wants to arrive ("now"), and the silo holds the first
        // declarations 400 ms real — 20 site minutes at 3,000×, more than the 15 minutes of tolerance — so the API
        // refuses them as arrival.past; the player asks again for the new "now" and every trip is booked.
        const int Delayed = 3;
        var refusedFirst = 0;
        using var data = new TempDirectory();
        await using var silo = new SimulatedSilo(data.Path, speedUp: 3000, s_siteStart,
            services => services.AddSingleton<IStartupFilter>(new SlowFirstDeclarations(Delayed, () => Interlocked.Increment(ref refusedFirst))));

        var (plan, report) = await PlayAsync(silo, 12, plan => plan with { Trucks = [.. plan.Trucks.Select(t => t with { DeclareAt = t.DesiredArrival })] }, TextWriter.Null);

        Assert.Equal(Delayed, refusedFirst);
        Assert.True(report.Violations.Count == 0, string.Join("; ", report.Violations));
        Assert.Contains(report.Notes, n => n.Key.Contains("asked again", StringComparison.Ordinal));
        Assert.DoesNotContain(CrossingSimulation.Outcomes.NotDeclared, report.FinalStatusCounts.Keys);
        var final = new[] { "Completed", "Held", "NoShow", CrossingSimulation.Outcomes.HeldAtEntrance }.Sum(s => report.FinalStatusCounts.GetValueOrDefault(s));
        Assert.Equal(plan.Trucks.Count, final);
    }

    /// <summary>Plays a day of <paramref name="trucks"/> trucks (the plan shaped by <paramref name="shape"/>) against the started silo.</summary>
    private static async Task<(DayPlan Plan, SimulationReport Report)> PlayAsync(SimulatedSilo silo, int trucks, Func<DayPlan, DayPlan> shape, TextWriter progress)
    {
        var baseUrl = silo.Start();
        var clock = silo.Services.GetRequiredService<ScaledTimeProvider>();
        var layout = silo.Services.GetRequiredService<SiteLayout>();
        var plan = shape(DayPlan.Generate(11, trucks, layout, s_siteStart + TimeSpan.FromMinutes(5) - TimeSpan.FromHours(ArrivalCurve.EarliestHour)));
        await using var simulation = new CrossingSimulation(layout, clock, new SimulationOptions
        {
            SiloUrl = baseUrl,
            KeyFor = id => DevelopmentDeviceKeys.Derive(SimulatedSilo.DeviceSecret, id),
            Credentials = SiloCredentials.Development(SimulatedSilo.AuthSecret),
            PollInterval = TimeSpan.FromMilliseconds(20),
            SettleTimeout = TimeSpan.FromSeconds(15),
            Progress = progress,
        });

        return (plan, await simulation.RunAsync(plan));
    }

    /// <summary>Holds the first declaration of each of the first <c>count</c> trucks 400 ms before the API sees it (their second attempts pass).</summary>
    private sealed class SlowFirstDeclarations(int count, Action delayed) : IStartupFilter
    {
        private readonly HashSet<string> _held = [];

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, following) =>
            {
                if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path == "/api/trips")
                {
                    context.Request.EnableBuffering();
                    using var body = await System.Text.Json.JsonDocument.ParseAsync(context.Request.Body);
                    context.Request.Body.Position = 0;
                    var plate = body.RootElement.GetProperty("truckPlate").GetString()!;
                    bool hold;
                    lock (_held)
                    {
                        hold = _held.Count < count && _held.Add(plate);
                    }

                    if (hold)
                    {
                        delayed();
                        await Task.Delay(400);
                    }
                }

                await following(context);
            });
            next(app);
        };
    }
}
