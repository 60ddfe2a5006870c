using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BorderGate.TestSupport;

namespace BorderGate.Silo.Tests;

/// <summary>The crossing's clocks run after a restart without anybody calling the gate first.</summary>
public sealed class CrossingClocksTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task AfterARestart_ABookedTruckThatNeverComes_LapsesAsANoShow_WithoutACallToTheGate()
    {
        // A site hour per real second: the window (30 min) and the no-show allowance (2 h) pass in a few seconds.
        var settings = new Dictionary<string, string?>
        {
            ["BorderGate:DataDirectory"] = _data.Path,
            ["BorderGate:Simulation:SpeedUp"] = "3600",
        };
        await using (var first = new SiloFactory(settings))
        {
            using var client = first.CreateCompanyClient();
            var created = await client.PostAsJsonAsync("/api/trips", TestDeclarations.Declaration("29C55501"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // The restarted silo is only asked about the truck, never about the gate or its bookings.
        await using var second = new SiloFactory(settings);
        using var again = second.CreateSupervisorClient();
        await Wait.WaitUntil(
            async () => (await again.GetFromJsonAsync<JsonElement>("/api/trucks/29C55501/status")).GetProperty("status").GetString() == "NoShow",
            TimeSpan.FromSeconds(30),
            "the booking lapses");
    }
}
