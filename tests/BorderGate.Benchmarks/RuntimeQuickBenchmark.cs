using System.Diagnostics;
using BorderGate.Actors.Hosting;
using BorderGate.Actors.Memory;
using BorderGate.Actors.Postgres;
using BorderGate.Actors.Sqlite;
using BorderGate.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Benchmarks;

/// <summary>
/// The quick mode `-- runtime`: the five figures of the grain runtime issue, one `name: value` line each.
/// </summary>
internal static class RuntimeQuickBenchmark
{
    public static async Task RunAsync(TextWriter output)
    {
        output.WriteLine($"# machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        await using (var runtime = await StartAsync(s => s.AddMemoryActorProviders()))
        {
            output.WriteLine($"local_calls_per_s: {await LocalCallsPerSecondAsync(runtime, asynchronous: false):F0}");
            output.WriteLine($"# calls whose grain method awaits (every call resumes through the activation queue): {await LocalCallsPerSecondAsync(runtime, asynchronous: true):F0}/s");
            var latency = await CallLatencyMicrosecondsAsync(runtime);
            output.WriteLine($"call_p99_us: {latency.P99:F3}");
            output.WriteLine($"# call latency µs: p50 {latency.P50:F3}, p99.9 {latency.P999:F3}, max {latency.Max:F1}, mean {latency.Mean:F3}");
        }

        await using (var runtime = await StartAsync(s => s.AddMemoryActorProviders()))
        {
            output.WriteLine($"activation_bytes: {await ActivationBytesAsync(runtime):F0}");
        }

        var dataDirectory = Directory.CreateTempSubdirectory("bordergate-bench-");
        try
        {
            await using var runtime = await StartAsync(s => s.AddSqliteActorProviders(o => o.DataDirectory = dataDirectory.FullName));
            output.WriteLine($"sqlite_writes_per_s: {await DurableWritesPerSecondAsync(runtime, "sqlite"):F0}");
        }
        finally
        {
            dataDirectory.Delete(recursive: true);
        }

        // The server named by BORDERGATE_BENCH_POSTGRES (or the test script's), else a throwaway one.
        var configured = Environment.GetEnvironmentVariable("BORDERGATE_BENCH_POSTGRES") ?? Environment.GetEnvironmentVariable(PostgresServer.EnvironmentVariable);
        await using var throwaway = string.IsNullOrWhiteSpace(configured) ? await ThrowawayPostgres.StartAsync() : null;
        var connectionString = configured ?? throwaway!.ConnectionString;
        output.WriteLine($"# postgres: {(throwaway is null ? "configured server" : "throwaway server from the machine's binaries")}");
        await using (var runtime = await StartAsync(s => s.AddPostgresActorProviders(o => o.ConnectionString = connectionString)))
        {
            output.WriteLine($"postgres_writes_per_s: {await DurableWritesPerSecondAsync(runtime, "postgres"):F0}");
        }
    }

    private static async Task<ActorRuntime> StartAsync(Action<IServiceCollection> storage)
    {
        var services = new ServiceCollection();
        storage(services);
        services.AddActorRuntime(r => r.AddGrainAssembly(typeof(PingGrain).Assembly));
        var provider = services.BuildServiceProvider();
        var runtime = provider.GetRequiredService<ActorRuntime>();
        await runtime.StartAsync(CancellationToken.None);
        return runtime;
    }

    /// <summary>Awaited calls per second from 64 concurrent callers over 10,000 grains.</summary>
    private static async Task<double> LocalCallsPerSecondAsync(ActorRuntime runtime, bool asynchronous)
    {
        const int grainCount = 10_000;
        const int callers = 64;
        var grains = Enumerable.Range(0, grainCount).Select(i => runtime.GrainFactory.GetGrain<IPingGrain>($"ping-{i}")).ToArray();
        foreach (var grain in grains)
        {
            await grain.Ping(0);
        }

        await RunCallersAsync(grains, callers, asynchronous, TimeSpan.FromSeconds(1));
        return await RunCallersAsync(grains, callers, asynchronous, TimeSpan.FromSeconds(4));
    }

    private static async Task<double> RunCallersAsync(IPingGrain[] grains, int callers, bool asynchronous, TimeSpan duration)
    {
        var stop = false;
        var counts = new long[callers];
        var started = Stopwatch.GetTimestamp();
        var tasks = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            long calls = 0;
            while (!Volatile.Read(ref stop))
            {
                for (var i = 0; i < 256; i++)
                {
                    var grain = grains[random.Next(grains.Length)];
                    _ = asynchronous ? await grain.PingAsync(i) : await grain.Ping(i);
                }

                calls += 256;

                // Let the other callers in: many callers, not one per core.
                await Task.Yield();
            }

            counts[c] = calls;
        })).ToArray();
        await Task.Delay(duration);
        Volatile.Write(ref stop, true);
        await Task.WhenAll(tasks);
        return counts.Sum() / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>Latency of one caller's awaited calls to an idle, activated grain (each call timed on its own).</summary>
    private static async Task<(double P50, double P99, double P999, double Max, double Mean)> CallLatencyMicrosecondsAsync(ActorRuntime runtime)
    {
        var grain = runtime.GrainFactory.GetGrain<IPingGrain>("latency");
        for (var i = 0; i < 100_000; i++)
        {
            await grain.Ping(i);
        }

        var samples = new double[200_000];
        var checksum = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            checksum += await grain.Ping(i);
            // Raw ticks: a TimeSpan would round to 100 ns.
            samples[i] = (Stopwatch.GetTimestamp() - start) * 1_000_000.0 / Stopwatch.Frequency;
        }

        GC.KeepAlive(checksum);
        var mean = samples.Average();
        Array.Sort(samples);
        return (samples[samples.Length / 2], samples[(int)(samples.Length * 0.99)], samples[(int)(samples.Length * 0.999)], samples[^1], mean);
    }

    /// <summary>Managed heap growth per idle activation (with a small persistent state) over 100,000 activations.</summary>
    private static async Task<double> ActivationBytesAsync(ActorRuntime runtime)
    {
        const int count = 100_000;
        var warm = runtime.GrainFactory.GetGrain<IStatefulGrain>("warm-up");
        await warm.Read();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < count; i++)
        {
            await runtime.GrainFactory.GetGrain<IStatefulGrain>($"idle-{i}").Read();
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        if (runtime.ActivationCount < count)
        {
            throw new InvalidOperationException($"Only {runtime.ActivationCount} activations are alive; the figure would be wrong.");
        }

        return (after - before) / (double)count;
    }

    /// <summary>Durable state writes per second from 1,000 grains writing concurrently (each write awaited until durable).</summary>
    private static async Task<double> DurableWritesPerSecondAsync(ActorRuntime runtime, string label)
    {
        const int grainCount = 1_000;
        var grains = Enumerable.Range(0, grainCount).Select(i => runtime.GrainFactory.GetGrain<IStatefulGrain>($"{label}-writer-{i}")).ToArray();
        await Task.WhenAll(grains.Select(g => g.Write(1)));

        var stop = false;
        var counts = new long[grainCount];
        var started = Stopwatch.GetTimestamp();
        var writers = grains.Select((grain, index) => Task.Run(async () =>
        {
            long writes = 0;
            while (!Volatile.Read(ref stop))
            {
                await grain.Write(1);
                writes++;
            }

            counts[index] = writes;
        })).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(5));
        Volatile.Write(ref stop, true);
        await Task.WhenAll(writers);
        return counts.Sum() / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}
