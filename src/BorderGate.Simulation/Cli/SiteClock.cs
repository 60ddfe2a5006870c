using System.Net.Http.Json;
using BorderGate.Simulation.Play;

namespace BorderGate.Simulation.Cli;

/// <summary>Reads the silo's site time (the route snapshot is stamped with it).</summary>
internal static class SiteClock
{
    public static async Task<DateTimeOffset> ReadSiloNowAsync(HttpClient http, Uri siloUrl, CancellationToken cancellationToken)
    {
        var route = await http.GetFromJsonAsync<RouteSnapshot>(new Uri(siloUrl, "/api/crossing/route"), CrossingSimulation.Json, cancellationToken).ConfigureAwait(false);
        return route?.At ?? throw new InvalidOperationException($"{siloUrl} answered no route snapshot: is it a BorderGate silo with GET /api/crossing/route?");
    }
}
