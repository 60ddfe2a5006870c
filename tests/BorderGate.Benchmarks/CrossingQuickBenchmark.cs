using System.Diagnostics.Metrics;
using System.Globalization;
using BorderGate.Actors.Diagnostics;
using BorderGate.Contracts.Site;
using BorderGate.Devices.Keys;
using BorderGate.Simulation.Plan;
using BorderGate.Simulation.Play;
using BorderGate.Simulation.Time;
using BorderGate.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Benchmarks;

/// <summary>
/// <c>crossing</c>: the real silo in process (Kestrel on loopback, SQLite in a temp directory, scaled site clock)
/// plays a 10,000-truck day as fast as it keeps up and prints day_10k_wall_s, day_10k_violations,
/// device_ack_p99_ms (the device grains' ack latency, converted to real milliseconds) and day_100k_wall_s, with
/// the process's CPU time, allocations and state writes by state name. The site is the 2030 plan sized for
/// 10,000 trucks a day (<c>deploy/sites/huu-nghi-2030.json</c>) unless BORDERGATE_BENCH_SITE names another.
/// Options: <c>--speedup N</c> (default 6000), <c>--poll-ms N</c> (snapshot polls for the invariants, default 50),
/// <c>--trucks N</c>, <c>--settle-s N</c> (how long after the last arrival the run may take to finish before what is left
/// counts as violations, default 120), <c>--with-100k</c>, <c>--detail</c> (each grain method's calls and each grain type's
/// timer ticks: time in all and queued; measuring every call costs the run some of its speed).
/// </summary>
internal static class CrossingQuickBenchmark
{
    public static async Task RunAsync(TextWriter output, string[] args)
    {
        var speedUp = Arg(args, "--speedup", 6000);
        var poll = Arg(args, "--poll-ms", 50);
        var trucks = (int)Arg(args, "--trucks", 10_000);
        var settle = TimeSpan.FromSeconds(Arg(args, "--settle-s", 120));
        // Every grain call's and timer tick's duration, by grain and method: two measurements a call, which cost the run
        // CPU of its own (a lock and a key string each): on request only.
        var detail = args.Contains("--detail", StringComparer.Ordinal);
        var (report, ackP99) = await PlayDayAsync(trucks, speedUp, poll, settle, detail, output);
        var inv = CultureInfo.InvariantCulture;
        report.WriteTo(output);
        output.WriteLine(string.Create(inv, $"speedup: {speedUp}"));
        output.WriteLine(string.Create(inv, $"day_10k_wall_s: {report.WallTime.TotalSeconds:0.0}"));
        output.WriteLine(string.Create(inv, $"day_10k_violations: {report.Violations.Count}"));
        output.WriteLine(string.Create(inv, $"device_ack_p99_ms: {ackP99:0.00}"));
        if (args.Contains("--with-100k", StringComparer.Ordinal))
        {
            var (big, _) = await PlayDayAsync(100_000, speedUp, poll, settle * 10, detail, output);
            big.WriteTo(output);
            output.WriteLine(string.Create(inv, $"day_100k_wall_s: {big.WallTime.TotalSeconds:0.0}"));
        }
        else
        {
            output.WriteLine("day_100k_wall_s: not run (pass --with-100k)");
        }
    }

    private static async Task<(SimulationReport Report, double AckP99Ms)> PlayDayAsync(int trucks, double speedUp, double pollMs, TimeSpan settle, bool detail, TextWriter output)
    {
        using var data = new TempDirectory("bordergate-bench-");
        var siteStart = new DateTimeOffset(2026, 3, 2, 20, 55, 0, TimeSpan.Zero);
        await using var host = new BenchSilo(data.Path, speedUp, siteStart);
        var baseUrl = host.Start();
        var clock = host.Services.GetRequiredService<ScaledTimeProvider>();
        var layout = host.Services.GetRequiredService<SiteLayout>();
        var plan = DayPlan.Generate(7, trucks, layout, siteStart + TimeSpan.FromMinutes(5) - TimeSpan.FromHours(ArrivalCurve.EarliestHour));

        var acks = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if ((instrument.Meter.Name == "BorderGate.Crossing" && instrument.Name is "bordergate.device.ack.latency" or "bordergate.gate.admission.duration" or "bordergate.gate.admission.size")
                || instrument.Name is "bordergate.actors.storage.write.size" or "bordergate.actors.storage.duration" or "bordergate.actors.activations.created"
                || (detail && instrument.Name is "bordergate.actors.call.duration" or "bordergate.actors.call.queued" or "bordergate.actors.timer.duration"))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        var written = new Dictionary<string, (long Writes, long Bytes)>(StringComparer.Ordinal);
        var storage = new Dictionary<string, (long Count, double TotalMs)>(StringComparer.Ordinal);
        long activations = 0;
        long admittedSightings = 0;
        var timers = new Dictionary<string, (long Count, double TotalMs)>(StringComparer.Ordinal);
        var admissions = new List<double>();
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "bordergate.gate.admission.size")
            {
                Interlocked.Add(ref admittedSightings, value);
                return;
            }

            if (instrument.Name == "bordergate.actors.activations.created")
            {
                Interlocked.Add(ref activations, value);
                return;
            }

            var name = tags.Length > 0 ? tags[0].Value as string ?? "?" : "?";
            if (name.StartsWith("gate-queue-", StringComparison.Ordinal))
            {
                // The gate's queue is stored in 1,024 parts: one line for them all.
                name = "gate-queue-*";
            }

            lock (written)
            {
                var (writes, bytes) = written.GetValueOrDefault(name);
                written[name] = (writes + 1, bytes + value);
            }
        });
        var turns = new Dictionary<string, (long Count, double TotalMs)>(StringComparer.Ordinal);
        var queued = new Dictionary<string, (long Count, double TotalMs)>(StringComparer.Ordinal);
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "bordergate.gate.admission.duration")
            {
                lock (admissions)
                {
                    admissions.Add(value);
                }

                return;
            }

            if (instrument.Name == "bordergate.actors.timer.duration")
            {
                var type = tags.Length > 0 ? tags[0].Value as string ?? "?" : "?";
                lock (timers)
                {
                    var (count, total) = timers.GetValueOrDefault(type);
                    timers[type] = (count + 1, total + value);
                }

                return;
            }

            if (instrument.Name == "bordergate.actors.call.queued")
            {
                var key = CallKey(tags);
                lock (queued)
                {
                    var (count, total) = queued.GetValueOrDefault(key);
                    queued[key] = (count + 1, total + value);
                }

                return;
            }

            if (instrument.Name == "bordergate.actors.call.duration")
            {
                var key = CallKey(tags);
                lock (turns)
                {
                    var (count, total) = turns.GetValueOrDefault(key);
                    turns[key] = (count + 1, total + value);
                }

                return;
            }

            if (instrument.Name == "bordergate.actors.storage.duration")
            {
                var operation = tags.Length > 0 ? tags[0].Value as string ?? "?" : "?";
                lock (storage)
                {
                    var (count, total) = storage.GetValueOrDefault(operation);
                    storage[operation] = (count + 1, total + value);
                }

                return;
            }

            lock (acks)
            {
                acks.Add(value / speedUp);
            }
        });
        listener.Start();

        await using var simulation = new CrossingSimulation(layout, clock, new SimulationOptions
        {
            SiloUrl = baseUrl,
            KeyFor = id => DevelopmentDeviceKeys.Derive(BenchSilo.DeviceSecret, id),
            Credentials = BenchSilo.Credentials,
            PollInterval = TimeSpan.FromMilliseconds(pollMs),
            SettleTimeout = settle,
            MaxConcurrentRequests = 16,
            Progress = output,
        });
        var cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var gen2Before = GC.CollectionCount(2);
        var report = await simulation.RunAsync(plan);
        listener.Dispose();
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"process_cpu_s: {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds:0.0}"));
        output.WriteLine(string.Create(inv, $"allocated_mb: {(GC.GetTotalAllocatedBytes() - allocatedBefore) / 1048576.0:0}"));
        output.WriteLine(string.Create(inv, $"gen2_collections: {GC.CollectionCount(2) - gen2Before}"));
        output.WriteLine(string.Create(inv, $"activations_created: {Interlocked.Read(ref activations)}"));
        lock (turns)
        {
            // Calls to the crossing's single grains (gate, yard) run one at a time: their summed duration is how busy they were.
            // Per grain type and method, the calls that waited longest in all (queued time is where a busy grain holds others up).
            foreach (var (method, (count, total)) in turns.OrderByDescending(t => queued.GetValueOrDefault(t.Key).TotalMs).Take(20))
            {
                var waited = queued.GetValueOrDefault(method).TotalMs;
                output.WriteLine(string.Create(inv, $"# calls {method}: {count}, {total / 1000:0.0} s in all, {total / Math.Max(1, count):0.00} ms each, of which {waited / Math.Max(1, count):0.00} ms queued"));
            }
        }

        lock (timers)
        {
            foreach (var (type, (count, total)) in timers.OrderByDescending(t => t.Value.TotalMs).Take(8))
            {
                output.WriteLine(string.Create(inv, $"# timer ticks {type}: {count}, {total / 1000:0.0} s in all, {total / Math.Max(1, count):0.00} ms each"));
            }
        }

        lock (admissions)
        {
            if (admissions.Count > 0)
            {
                var sorted = admissions.Order().ToArray();
                output.WriteLine(string.Create(inv, $"# gate admission batches: {sorted.Length}, {Interlocked.Read(ref admittedSightings)} sightings, {sorted.Sum() / 1000:0.0} s in all, {sorted.Average():0.0} ms average, p95 {sorted[(int)(0.95 * (sorted.Length - 1))]:0.0} ms, max {sorted[^1]:0.0} ms"));
            }
        }

        lock (storage)
        {
            foreach (var (operation, (count, total)) in storage.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                output.WriteLine(string.Create(inv, $"storage_{operation}: {count} ({total / Math.Max(1, count):0.000} ms real on average, queueing and commit included)"));
            }
        }
        lock (written)
        {
            foreach (var (name, (writes, bytes)) in written.OrderByDescending(w => w.Value.Bytes))
            {
                output.WriteLine(string.Create(inv, $"state_writes_{name}: {writes} writes, {bytes / 1048576.0:0.0} MB, {bytes / Math.Max(1, writes)} B avg"));
            }
        }
        double p99;
        lock (acks)
        {
            var sorted = acks.Order().ToArray();
            p99 = sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(0.99 * sorted.Length) - 1, 0, sorted.Length - 1)];
        }

        return (report, p99);
    }

    private static string CallKey(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? type = null, iface = null, method = null;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case ActorDiagnostics.GrainTypeTag: type = tag.Value as string; break;
                case ActorDiagnostics.GrainInterfaceTag: iface = tag.Value as string; break;
                case ActorDiagnostics.GrainMethodTag: method = tag.Value as string; break;
            }
        }

        return $"{type ?? "?"}:{iface ?? "?"}.{method ?? "?"}";
    }

    private static double Arg(string[] args, string name, double fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? double.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
