using System.Diagnostics;
using System.Net;
using BorderGate.Actors.Networking;

namespace BorderGate.Benchmarks;

/// <summary>
/// The quick mode `-- transport`: two silo transports on loopback in this process, an echo handler with a
/// 32-byte payload; requests per second from many concurrent callers, then p99 latency at half that rate.
/// </summary>
internal static class TransportQuickBenchmark
{
    private const int Callers = 256;

    public static async Task RunAsync(TextWriter output)
    {
        output.WriteLine($"# machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        await using var server = Start(static (frame, _) => ValueTask.FromResult<Frame?>(Frame.ResponseTo(frame, frame.Payload)));
        await using var client = Start(handler: null);
        var payload = new byte[32];

        await ClosedLoopAsync(client, server.LocalAddress, payload, TimeSpan.FromSeconds(1));
        var rate = await ClosedLoopAsync(client, server.LocalAddress, payload, TimeSpan.FromSeconds(5));
        output.WriteLine($"transport_requests_per_s: {rate:F0}");
        output.WriteLine($"# {Callers} concurrent callers, one connection, 32-byte payload each way");

        if (Environment.GetEnvironmentVariable("TRANSPORT_RATES") is { } rates)
        {
            foreach (var r in rates.Split(',').Select(double.Parse))
            {
                var w = Stopwatch.StartNew();
                var pause = GC.GetTotalPauseDuration();
                var gcs = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
                var l = await OpenLoopAsync(client, server.LocalAddress, payload, r, TimeSpan.FromSeconds(3));
                output.WriteLine($"# rate {r}: took {w.Elapsed.TotalSeconds:F1}s p50 {Percentile(l, 0.5):F0} p99 {Percentile(l, 0.99):F0} gc pause {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:F0} ms, gcs {GC.CollectionCount(0) - gcs.Item1}/{GC.CollectionCount(1) - gcs.Item2}/{GC.CollectionCount(2) - gcs.Item3}");
            }
        }

        var latencies = await OpenLoopAsync(client, server.LocalAddress, payload, rate / 2, TimeSpan.FromSeconds(5));
        output.WriteLine($"transport_p99_us: {Percentile(latencies, 0.99):F1}");
        output.WriteLine($"# at {rate / 2:F0} requests/s offered: p50 {Percentile(latencies, 0.50):F1} µs, p99.9 {Percentile(latencies, 0.999):F1} µs, max {latencies[^1]:F1} µs, {latencies.Length} requests (from scheduled send time)");
    }

    private static SiloTransport Start(IncomingRequestHandler? handler)
    {
        var transport = new SiloTransport(new SiloTransportOptions { ClusterId = "bench", ListenEndpoint = new IPEndPoint(IPAddress.Loopback, 0) }, handler);
        transport.Start();
        return transport;
    }

    private static Task<double> ClosedLoopAsync(SiloTransport client, SiloAddress target, byte[] payload, TimeSpan duration) =>
        LoadLoops.ClosedLoopAsync(_ => client.SendRequestAsync(target, Frame.Request("bench", "k", "IBench.Echo()", payload)), Callers, duration);

    private static Task<double[]> OpenLoopAsync(SiloTransport client, SiloAddress target, byte[] payload, double rate, TimeSpan duration) =>
        LoadLoops.OpenLoopAsync(_ => client.SendRequestAsync(target, Frame.Request("bench", "k", "IBench.Echo()", payload)), rate, duration);

    private static double Percentile(double[] sorted, double p) => LoadLoops.Percentile(sorted, p);
}
