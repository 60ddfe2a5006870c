using System.Diagnostics;
using System.Net;
using BorderGate.Actors;
using BorderGate.Actors.Diagnostics;
using BorderGate.Actors.Hosting;
using BorderGate.Actors.Postgres;
using BorderGate.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Benchmarks;

/// <summary>
/// The quick mode `-- cluster`: silos of one cluster in this process on PostgreSQL (the test server, or a throwaway one
/// from the machine's binaries), talking over loopback. Awaited calls from one silo to grains active on another, as fast
/// as they go and then p99 at half that rate; then a silo crashed (port closed, nothing said) and the time until every one
/// of its grains answered from a survivor.
/// </summary>
internal static class ClusterQuickBenchmark
{
    private const int Callers = 256;
    private const int Grains = 1000;

    public static async Task RunAsync(TextWriter output)
    {
        output.WriteLine($"# machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        output.WriteLine($"# wake-ups on this machine, idle: {WakeUpProbe.Measure()}");
        output.WriteLine($"# the machine's own hiccups: {WakeUpProbe.Hiccups(TimeSpan.FromSeconds(3))}");
        await using var echo = await LoopbackEchoProbe.StartAsync();
        await LoadLoops.OpenLoopAsync(echo.Call, 1_000, TimeSpan.FromSeconds(1));
        output.WriteLine($"# the floor, no silo code: {await EchoAsync(echo, 1_000)}");
        await using var database = await PostgresTestDatabase.CreateAsync("bench_cluster");
        var a = await StartSiloAsync(database.ConnectionString);
        var b = await StartSiloAsync(database.ConnectionString);
        try
        {
            // The grains live on b: activated by b's own calls (placement on the caller's silo), then called from a.
            var keys = Enumerable.Range(0, Grains).Select(i => $"ping-{i}").ToArray();
            await Task.WhenAll(keys.Select(k => b.GrainFactory.GetGrain<IPingGrain>(k).Ping(0).AsTask()));
            var fromA = keys.Select(k => a.GrainFactory.GetGrain<IPingGrain>(k)).ToArray();
            Task Call(int i) => fromA[i % Grains].Ping(i).AsTask();

            // Every grain called from a once before anything is measured: a's first call to a grain finds its silo in the
            // directory (a PostgreSQL round trip); the closed loop's callers reach only the first 256, and the other 744
            // met at full rate in the first open loop stalled it for seconds.
            var firstCalls = Stopwatch.StartNew();
            await Task.WhenAll(keys.Select((_, i) => Call(i)));
            output.WriteLine($"# a's first call to each of the {Grains} grains, all at once (each finds b in the directory): {firstCalls.Elapsed.TotalMilliseconds:F0} ms");

            await LoadLoops.ClosedLoopAsync(Call, Callers, TimeSpan.FromSeconds(2));
            var rate = await LoadLoops.ClosedLoopAsync(Call, Callers, TimeSpan.FromSeconds(5));
            output.WriteLine($"remote_calls_per_s: {rate:F0}");
            output.WriteLine($"# {Callers} concurrent callers on one silo, {Grains} grains on the other, one connection; awaited grain calls (JSON arguments and answers)");

            if (Environment.GetEnvironmentVariable("CLUSTER_RATES") is { } rates)
            {
                using var probe = new GcPauseProbe();
                foreach (var r in rates.Split(',').Select(double.Parse))
                {
                    probe.Start();
                    var pause = GC.GetTotalPauseDuration();
                    var allocated = GC.GetTotalAllocatedBytes();
                    var collections = GC.CollectionCount(0);
                    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                    using var frames = new InstrumentCounter(ActorDiagnostics.TransportFramesSentInstrument);
                    var watch = Stopwatch.StartNew();
                    var pings = Interlocked.Read(ref PingGrain.Total);
                    var l = await LoadLoops.OpenLoopAsync(Call, r, TimeSpan.FromSeconds(3));
                    output.WriteLine($"# {Interlocked.Read(ref PingGrain.Total) - pings} pings answered for {l.Length} calls, {frames.Count} frames sent");
                    EnsureCallsStayedRemote(a, b);
                    var busy = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds / watch.Elapsed.TotalSeconds / Environment.ProcessorCount;
                    output.WriteLine(
                        $"# rate {r}: p50 {LoadLoops.Percentile(l, 0.5):F0} p99 {LoadLoops.Percentile(l, 0.99):F0} max {l[^1]:F0} µs, gc pause {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:F0} ms " +
                        $"in {GC.CollectionCount(0) - collections} collections, {(GC.GetTotalAllocatedBytes() - allocated) / l.Length} bytes allocated per call, " +
                        $"cores {busy:P0} busy, p99 from the call's start {LoadLoops.Percentile(LoadLoops.LastFromStart, 0.99):F0} µs");
                    probe.Stop();
                    output.WriteLine($"#   {probe.Summary()}");
                }
            }

            if (Environment.GetEnvironmentVariable("CLUSTER_ALLOCATIONS") is { Length: > 0 })
            {
                // What a remote call allocates, by type (both silos: the caller's and the callee's side).
                using var sampler = new AllocationSampler();
                sampler.Start();
                await LoadLoops.OpenLoopAsync(Call, 50_000, TimeSpan.FromSeconds(3));
                sampler.Stop();
                foreach (var (type, share) in sampler.Top(30))
                {
                    output.WriteLine($"# allocated {share:P1} {type}");
                }
            }

            await LoadLoops.OpenLoopAsync(Call, rate / 2, TimeSpan.FromSeconds(2));
            var latencies = await LoadLoops.OpenLoopAsync(Call, rate / 2, TimeSpan.FromSeconds(5));
            EnsureMeasured(a, b);
            output.WriteLine($"remote_call_p99_us: {LoadLoops.Percentile(latencies, 0.99):F1}");
            output.WriteLine($"# at {rate / 2:F0} calls/s offered: p50 {LoadLoops.Percentile(latencies, 0.5):F1} µs, p99.9 {LoadLoops.Percentile(latencies, 0.999):F1} µs, max {latencies[^1]:F1} µs");
            var late = LoadLoops.LastIssueLateness;
            output.WriteLine($"# counted from when the pacer started each call instead (the system's own share): p50 {LoadLoops.Percentile(LoadLoops.LastFromStart, 0.5):F1} µs, p99 {LoadLoops.Percentile(LoadLoops.LastFromStart, 0.99):F1} µs");
            output.WriteLine($"# the pacer started calls after they fell due by p50 {LoadLoops.Percentile(late, 0.5):F1} µs, p99 {LoadLoops.Percentile(late, 0.99):F1} µs, max {late[^1]:F1} µs (in the latencies above)");
            var trickle = await LoadLoops.OpenLoopAsync(Call, 1_000, TimeSpan.FromSeconds(3));
            EnsureMeasured(a, b);
            output.WriteLine($"# the same calls at 1,000 a second, for the floor this machine leaves: p50 {LoadLoops.Percentile(trickle, 0.5):F0} µs, p99 {LoadLoops.Percentile(trickle, 0.99):F0} µs, max {trickle[^1]:F0} µs");
            output.WriteLine($"# and right after, the floor with no silo code (the silos idle): {await EchoAsync(echo, 1_000)}");

            // More than the two silos can take: the excess is turned away as overloaded, and b is neither stalled nor
            // declared dead (before load shedding, b was voted dead within the 3 s and its grains came back on a).
            using var unjudged = new InstrumentCounter(ActorDiagnostics.MembershipProbeRoundsUnjudgedInstrument);
            var offered = rate * 2;
            var flood = await LoadLoops.OpenLoopAsync(Call, offered, TimeSpan.FromSeconds(3));
            EnsureCallsStayedRemote(a, b);
            var failed = LoadLoops.LastFailures;
            output.WriteLine(
                $"# overload, {offered:F0} calls/s offered for 3 s (twice the closed loop's rate): {flood.Length} answered (p50 {LoadLoops.Percentile(flood, 0.5):F0} µs, p99 {LoadLoops.Percentile(flood, 0.99):F0} µs), " +
                $"{failed.GetValueOrDefault(nameof(SiloOverloadedException))} shed as overloaded, {failed.Where(f => f.Key != nameof(SiloOverloadedException)).Sum(f => f.Value)} failed otherwise; " +
                $"silo b stayed in the cluster; {unjudged.Count} probe rounds not judged for running late; " +
                $"counted from each call's start (the pacer cannot start calls this fast and falls behind, which the figures from the due time include): p50 {LoadLoops.Percentile(LoadLoops.LastFromStart, 0.5):F0} µs, p99 {LoadLoops.Percentile(LoadLoops.LastFromStart, 0.99):F0} µs");
            var settling = await LoadLoops.OpenLoopAsync(Call, rate / 2, TimeSpan.FromSeconds(2));
            EnsureNoneFailed();
            var after = await LoadLoops.OpenLoopAsync(Call, rate / 2, TimeSpan.FromSeconds(3));
            EnsureMeasured(a, b);
            output.WriteLine(
                $"# then at half the rate again: p99 {LoadLoops.Percentile(settling, 0.99):F0} µs in the first 2 s (the flood's garbage collected), " +
                $"then p50 {LoadLoops.Percentile(after, 0.5):F0} µs, p99 {LoadLoops.Percentile(after, 0.99):F0} µs over 3 s");

            output.WriteLine($"failover_s: {await FailoverAsync(a, b, keys):F2}");
            output.WriteLine($"# {Grains} grains active on a crashed silo (its port closed, its membership stopped, nothing said), called from a survivor until each answered; default membership timings");
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }

    /// <summary>The bare loopback echo (<see cref="LoopbackEchoProbe"/>) at <paramref name="rate"/> for 3 s, from each message's due time.</summary>
    private static async Task<string> EchoAsync(LoopbackEchoProbe echo, double rate)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var l = await LoadLoops.OpenLoopAsync(echo.Call, rate, TimeSpan.FromSeconds(3));
        EnsureNoneFailed();
        var busy = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds / watch.Elapsed.TotalSeconds / Environment.ProcessorCount;
        return $"8-byte messages echoed over one loopback connection by .NET async sockets (four thread hand-offs a round trip, a grain call has seven or eight), " +
            $"{rate:F0} a second for 3 s: p50 {LoadLoops.Percentile(l, 0.5):F0} µs, p99 {LoadLoops.Percentile(l, 0.99):F0} µs, max {l[^1]:F0} µs, cores {busy:P0} busy";
    }

    /// <summary>
    /// A measured loop's figures count only if its calls stayed remote (<see cref="EnsureCallsStayedRemote"/>) and none
    /// failed (the figure would be of the others only): otherwise thrown away.
    /// </summary>
    private static void EnsureMeasured(ActorRuntime a, ActorRuntime b)
    {
        EnsureCallsStayedRemote(a, b);
        EnsureNoneFailed();
    }

    private static void EnsureNoneFailed()
    {
        if (LoadLoops.LastFailures.Count != 0)
        {
            throw new InvalidOperationException($"Calls failed during the measurement ({string.Join(", ", LoadLoops.LastFailures.Select(f => $"{f.Value} × {f.Key}"))}): the figures would be of the others only.");
        }
    }

    /// <summary>What a counter of the runtime's added up while this is alive (frames sent, probe rounds not judged).</summary>
    private sealed class InstrumentCounter : IDisposable
    {
        private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
        private long _count;

        public InstrumentCounter(string name)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _count, value));
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>
    /// A stall of a few seconds (a collection spiral under a backlog of calls) can get silo b declared dead; its grains then
    /// come back on a, and the calls measured after that are local ones (a fraction of a microsecond): figures that would
    /// look like a met target. The measurement is thrown away instead.
    /// </summary>
    private static void EnsureCallsStayedRemote(ActorRuntime a, ActorRuntime b)
    {
        if (b.Cluster!.IsFenced || !a.Cluster!.ActiveSilos().Contains(b.Cluster.Self))
        {
            throw new InvalidOperationException(
                $"Silo b ({b.Cluster.Self}) was declared dead during the measurement, so its grains came back on silo a and the calls went local: the figures are not remote calls. Run again.");
        }
    }

    /// <summary>From the crash of a silo holding the grains to the moment every one of them answered on a survivor.</summary>
    private static async Task<double> FailoverAsync(ActorRuntime survivor, ActorRuntime victim, string[] keys)
    {
        var third = await StartSiloAsync(ConnectionStringOf(victim));
        try
        {
            var watch = Stopwatch.StartNew();
            await victim.Cluster!.CrashAsync();
            await Task.WhenAll(keys.Select(async k =>
            {
                var grain = survivor.GrainFactory.GetGrain<IPingGrain>(k);
                while (true)
                {
                    try
                    {
                        await grain.Ping(1);
                        return;
                    }
                    catch (SiloUnavailableException)
                    {
                        // Not declared dead within the call's wait for a verdict: asked again.
                    }
                }
            }));
            return watch.Elapsed.TotalSeconds;
        }
        finally
        {
            await third.DisposeAsync();
        }
    }

    private static readonly Dictionary<ActorRuntime, string> s_connectionStrings = [];

    private static string ConnectionStringOf(ActorRuntime runtime) => s_connectionStrings[runtime];

    private static async Task<ActorRuntime> StartSiloAsync(string connectionString)
    {
        var services = new ServiceCollection()
            .AddPostgresActorProviders(o => o.ConnectionString = connectionString)
            .AddActorRuntime(b => b
                .AddGrainAssembly(typeof(PingGrain).Assembly)
                .UseCluster(o =>
                {
                    o.ClusterId = "bench";
                    o.SiloEndpoint = new IPEndPoint(IPAddress.Loopback, 0);
                }))
            .BuildServiceProvider();
        var runtime = services.GetRequiredService<ActorRuntime>();
        await runtime.StartAsync(CancellationToken.None);
        s_connectionStrings[runtime] = connectionString;
        return runtime;
    }
}
