using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using BorderGate.Actors.Streams;
using BorderGate.Contracts.Auth;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Live;
using BorderGate.Contracts.Site;
using BorderGate.Simulation.Play;
using BorderGate.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BorderGate.Benchmarks;

/// <summary>
/// <c>live</c>: the real silo in process (Kestrel, SQLite, the 14-lane site with 2,000 yard slots and 50 driverless
/// trucks) with drivers' phones, in a process of their own (<see cref="LivePhones"/>), connected to the drivers' hub, each
/// following a declared truck (<c>--drivers N</c>, default 5,000), and the control room's live map in headless Chromium. Changes are published on the crossing's feed at <c>--rate</c> per second (default 2,000: a truck
/// called to one of the 14 lanes each time) for <c>--seconds</c> (default 10), as the grains publish them; the page
/// notes when it drew each one. Prints event_to_screen_p99_ms (from the publish call to the frame that drew the change)
/// and hub_clients (connections held open all the while: the phones and the map).
/// </summary>
internal static class LiveQuickBenchmark
{
    /// <summary>Runs this benchmark again in a child process with the silo host's runtime settings (server, concurrent GC without dynamic adaptation of the heaps; thread pool workers that do not spin: the silo's runtimeconfig); answers its exit code.</summary>
    public static async Task<int> RunUnderHostGcAsync(string[] args)
    {
        var start = BenchmarkProcess.Again(args);
        start.Environment["DOTNET_gcServer"] = "1";
        start.Environment["DOTNET_gcConcurrent"] = "1";
        start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        start.Environment["DOTNET_GCDynamicAdaptationMode"] = "0";
        using var child = Process.Start(start)!;
        await child.WaitForExitAsync();
        return child.ExitCode;
    }

    public static async Task RunAsync(TextWriter output, string[] args)
    {
        var drivers = (int)Arg(args, "--drivers", 5_000);
        var rate = Arg(args, "--rate", 2_000);
        var seconds = Arg(args, "--seconds", 10);
        var warmUp = Arg(args, "--warm-up", 5);
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine($"# machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, {System.Runtime.GCSettings.LatencyMode} (the silo host's settings)");

        using var data = new TempDirectory("bordergate-live-");
        await using var host = new BenchSilo(data.Path, site: StressLayout(data.Path));
        var baseUri = host.Start();
        using var http = SignedInHandler.Client(baseUri, BenchSilo.Credentials, TimeSpan.FromMinutes(2));
        var site = host.Services.GetRequiredService<SiteLayout>();

        // The drivers: a trip each, then a phone each following it.
        var watch = Stopwatch.StartNew();
        var plates = Enumerable.Range(0, drivers).Select(LivePhones.Plate).ToArray();
        await Parallel.ForEachAsync(plates, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (plate, ct) =>
        {
            var declaration = Declaration(plate);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/trips") { Content = JsonContent.Create(declaration) };
            request.Options.Set(SignedInHandler.AsCompany, declaration.CompanyId);
            using var response = await http.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
        });
        output.WriteLine(string.Create(inv, $"# {drivers} trips declared in {watch.Elapsed.TotalSeconds:0.0} s"));

        watch.Restart();
        // The phones, in a process of their own (as phones are not in the silo's): each signs in as its driver (plate and
        // declaration number) and follows its truck.
        using var phones = await LivePhones.StartAsync(baseUri, drivers, Declaration(LivePhones.Plate(0)).CustomsDeclarationNumber);
        output.WriteLine(string.Create(inv, $"# {drivers} phones following their truck (their own process), connected in {watch.Elapsed.TotalSeconds:0.0} s"));

        try
        {
            // The control room's map, measuring.
            var chromium = Environment.GetEnvironmentVariable("BORDERGATE_CHROMIUM") ?? "/usr/bin/chromium";
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
            });
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 900 } });
            await page.GotoAsync(new Uri(baseUri, "/control-room/?measure").ToString());
            await page.FillAsync("#username", DevelopmentCredentials.SupervisorName);
            await page.FillAsync("#password", BenchSilo.AuthSecret);
            await page.ClickAsync("#sign-in-form button[type=submit]");
            await page.WaitForSelectorAsync("#connection[data-state='live']", new PageWaitForSelectorOptions { Timeout = 30_000 });
            if (Environment.GetEnvironmentVariable("BORDERGATE_LIVE_CSS") is { Length: > 0 } css)
            {
                await page.AddStyleTagAsync(new PageAddStyleTagOptions { Content = css });
            }

            // The changes, paced: each one's publish moment by the sequence the feed gave it.
            var feed = host.Services.GetRequiredKeyedService<IStreamProvider>(CrossingEvent.StreamProvider).GetStream<CrossingEvent>(CrossingEvent.StreamFor(site.CrossingId));
            var published = new ConcurrentDictionary<long, long>();
            var lanes = site.Lanes.Select(l => l.Id).ToArray();
            var sent = new ConcurrentQueue<double>();
            using var listener = new System.Diagnostics.Metrics.MeterListener();
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "bordergate.live.change.delay")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<double>((_, value, _, _) => sent.Enqueue(value));
            listener.Start();
            // BORDERGATE_LIVE_PROFILE=file: the page's JavaScript CPU profile over the load (DevTools' format), to see where its time goes.
            var profilePath = Environment.GetEnvironmentVariable("BORDERGATE_LIVE_PROFILE");
            var cdp = profilePath is { Length: > 0 } ? await page.Context.NewCDPSessionAsync(page) : null;
            if (cdp is not null)
            {
                await cdp.SendAsync("Profiler.enable");
                await cdp.SendAsync("Profiler.setSamplingInterval", new Dictionary<string, object> { ["interval"] = 500 });
                await cdp.SendAsync("Profiler.start");
            }

            // BORDERGATE_LIVE_TRACE=file: Chromium's timeline events over the load (JSON lines), to see the renderer's own work.
            var tracePath = Environment.GetEnvironmentVariable("BORDERGATE_LIVE_TRACE");
            var traceEvents = new ConcurrentQueue<string>();
            var traceDone = new TaskCompletionSource();
            ICDPSession? tracer = null;
            if (tracePath is { Length: > 0 })
            {
                tracer = await page.Context.NewCDPSessionAsync(page);
                tracer.Event("Tracing.dataCollected").OnEvent += (_, e) =>
                {
                    foreach (var item in e!.Value.GetProperty("value").EnumerateArray())
                    {
                        traceEvents.Enqueue(item.GetRawText());
                    }
                };
                tracer.Event("Tracing.tracingComplete").OnEvent += (_, _) => traceDone.TrySetResult();
                await tracer.SendAsync("Tracing.start", new Dictionary<string, object> { ["categories"] = "devtools.timeline,v8", ["transferMode"] = "ReportEvents" });
            }

            // The equipment as the issue's smoothness case has it: every driverless truck moving, ten views a second, the
            // cranes along their rails, a twentieth of the yard's slots changing once a second (made up in the page: the
            // benchmark has no vehicles driving).
            await page.EvaluateAsync(SyntheticEquipment);

            // The same load first, not counted: the figures are the running control room's, not those of a silo whose hot paths
            // the runtime is still compiling (tiered JIT: in the load's first seconds its compiler thread takes a core, and the
            // page's frames wait for one — long tasks of 50–120 ms at 1–3 s, none once it is done).
            async Task Publish(int i)
            {
                var at = DateTimeOffset.UtcNow;
                var moved = new TruckMoved(site.CrossingId, at, string.Create(inv, $"29C{i % 100_000:D5}"), string.Create(inv, $"bench-{i}"), TripEventNames.Called,
                    TruckStatus.Called, null, lanes[i % lanes.Length], null, null, null);
                var sequence = await feed.OnNextAsync(moved);
                published[sequence] = at.ToUnixTimeMilliseconds();
            }

            var warmUpLongTasksBefore = await page.EvaluateAsync<int>("() => window.bordergateLongTasks.length");
            // The JIT's work so far in this process (the silo's): methods compiled and the time spent compiling them.
            static (long Methods, TimeSpan Time) Jitted() => (System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());
            var jitBefore = Jitted();
            if (warmUp > 0)
            {
                await LoadLoops.OpenLoopAsync(Publish, rate, TimeSpan.FromSeconds(warmUp));
                var warmUpLast = published.Keys.Max();
                await page.WaitForFunctionAsync($"() => window.bordergateDrawn.length > 0 && window.bordergateDrawn[window.bordergateDrawn.length - 1][0] >= {warmUpLast}", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
                var warmUpLongTasks = await page.EvaluateAsync<double[][]>($"() => window.bordergateLongTasks.slice({warmUpLongTasksBefore})");
                output.WriteLine(string.Create(inv, $"# warm-up: the same load for {warmUp:0} s first, not counted; the page's long tasks in it: {warmUpLongTasks.Length}, longest {(warmUpLongTasks.Length == 0 ? 0 : warmUpLongTasks.Max(t => t[1])):0} ms; the silo's JIT compiled {Jitted().Methods - jitBefore.Methods} methods in {(Jitted().Time - jitBefore.Time).TotalMilliseconds:0} ms"));
                jitBefore = Jitted();
                published.Clear();
                sent.Clear();
            }

            var framesBefore = await page.EvaluateAsync<int>("() => window.bordergateFrames.length");
            var longTasksBefore = await page.EvaluateAsync<int>("() => window.bordergateLongTasks.length");
            var loadStartedAt = await page.EvaluateAsync<double>("() => performance.now()");
            var gcBefore = (Gen0: GC.CollectionCount(0), Gen1: GC.CollectionCount(1), Gen2: GC.CollectionCount(2), Pause: GC.GetTotalPauseDuration());
            var allocated = GC.GetTotalAllocatedBytes();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var publishLatencies = await LoadLoops.OpenLoopAsync(i => Publish(1_000_000 + i), rate, TimeSpan.FromSeconds(seconds));
            var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            var jitted = (Methods: Jitted().Methods - jitBefore.Methods, Time: Jitted().Time - jitBefore.Time);
            var gcAfter = (Gen0: GC.CollectionCount(0), Gen1: GC.CollectionCount(1), Gen2: GC.CollectionCount(2), Pause: GC.GetTotalPauseDuration());
            var longTasks = await page.EvaluateAsync<double[][]>($"() => window.bordergateLongTasks.slice({longTasksBefore})");
            if (tracer is not null)
            {
                await tracer.SendAsync("Tracing.end");
                await traceDone.Task.WaitAsync(TimeSpan.FromSeconds(60));
                await File.WriteAllLinesAsync(tracePath!, traceEvents);
            }

            if (cdp is not null)
            {
                var profile = await cdp.SendAsync("Profiler.stop");
                await File.WriteAllTextAsync(profilePath!, profile?.GetProperty("profile").GetRawText());
            }
            var frames = await page.EvaluateAsync<double[]>($"() => window.bordergateFrames.slice({framesBefore})");
            var gaps = frames.Zip(frames.Skip(1), (a, b) => b - a).Order().ToArray();

            var last = published.Keys.Max();
            await page.WaitForFunctionAsync($"() => window.bordergateDrawn.length > 0 && window.bordergateDrawn[window.bordergateDrawn.length - 1][0] >= {last}", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
            var drawn = await page.EvaluateAsync<JsonElement>("() => window.bordergateDrawn");
            var latencies = drawn.EnumerateArray()
                .Select(pair => (Sequence: pair[0].GetInt64(), At: pair[1].GetInt64()))
                .Where(pair => published.ContainsKey(pair.Sequence))
                .Select(pair => (double)(pair.At - published[pair.Sequence]))
                .Order()
                .ToArray();
            var received = (await page.EvaluateAsync<JsonElement>("() => window.bordergateReceived")).EnumerateArray()
                .Select(pair => (Sequence: pair[0].GetInt64(), At: pair[1].GetInt64()))
                .Where(pair => published.ContainsKey(pair.Sequence))
                .Select(pair => (double)(pair.At - published[pair.Sequence]))
                .Order()
                .ToArray();
            var open = await LivePhones.StopAsync(phones);
            var toSend = sent.Order().ToArray();

            output.WriteLine(string.Create(inv, $"event_to_screen_p99_ms: {LoadLoops.Percentile(latencies, 0.99):0.0}"));
            output.WriteLine(string.Create(inv, $"hub_clients: {open + 1}"));
            output.WriteLine(string.Create(inv,
                $"# {published.Count} changes at {rate:0}/s for {seconds:0} s, {latencies.Length} drawn by the map: p50 {LoadLoops.Percentile(latencies, 0.5):0.0} ms, p99.9 {LoadLoops.Percentile(latencies, 0.999):0.0} ms, max {latencies[^1]:0.0} ms"));
            output.WriteLine(string.Create(inv,
                $"# the map's frames under that load: {frames.Length / seconds:0} a second, frame gap p99 {LoadLoops.Percentile(gaps, 0.99):0.0} ms, longest {gaps[^1]:0.0} ms ({site.Lanes.Count} lanes, {site.YardBlocks.Sum(b => b.Rows * b.Bays)} yard slots, {site.DriverlessTrucks.Count} vehicles, every vehicle moving, ten equipment views a second)"));
            output.WriteLine(string.Create(inv,
                $"# from the publish to the hub's send to the map's connection: p50 {LoadLoops.Percentile(toSend, 0.5):0.0} ms, p99 {LoadLoops.Percentile(toSend, 0.99):0.0} ms; to the page's handler: p50 {LoadLoops.Percentile(received, 0.5):0.0} ms, p99 {LoadLoops.Percentile(received, 0.99):0.0} ms (the rest is waiting for the frame)"));
            // When each long task came, from the measured load's start.
            var longTaskTimes = string.Concat(longTasks.Select(t => string.Create(inv, $"; {t[1]:0} ms at {(t[0] - loadStartedAt) / 1000:0.0} s")));
            output.WriteLine(string.Create(inv,
                $"# pauses: the silo's GC {gcAfter.Gen0 - gcBefore.Gen0}/{gcAfter.Gen1 - gcBefore.Gen1}/{gcAfter.Gen2 - gcBefore.Gen2} collections (gen 0/1/2), {(gcAfter.Pause - gcBefore.Pause).TotalMilliseconds:0} ms paused in all; the page's long tasks: {longTasks.Length}, {longTasks.Sum(t => t[1]):0} ms in all, longest {(longTasks.Length == 0 ? 0 : longTasks.Max(t => t[1])):0} ms{longTaskTimes}"));
            output.WriteLine(string.Create(inv,
                $"# publish (append to the feed, durable) p99 {LoadLoops.Percentile(publishLatencies, 0.99) / 1000:0.0} ms; {open} of {drivers} phones still connected; CPU {cpuUsed.TotalSeconds:0.0} s over the run (the JIT's {jitted.Time.TotalMilliseconds:0} ms compiling {jitted.Methods} methods), {(GC.GetTotalAllocatedBytes() - allocated) / 1048576.0:0} MB allocated; working set {Process.GetCurrentProcess().WorkingSet64 / 1048576.0:0} MB"));
        }
        finally
        {
            if (!phones.HasExited)
            {
                phones.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>
    /// The 14-lane plan with the issue's smoothness case on it: 2,000 yard slots (its eight blocks ten rows deep, spread
    /// apart) and 50 driverless trucks; written next to the data for the silo to load.
    /// </summary>
    private static string StressLayout(string directory)
    {
        var site = SiteLayoutLoader.Load(SiteLayouts.PathOf(SiteLayouts.HuuNghi14File));
        var top = site.YardBlocks.Min(b => b.Position.Y);
        var rows = site.YardBlocks.Select(b => b.Position.Y).Distinct().Order().ToList();
        var stress = site with
        {
            Name = site.Name + " — 2,000 yard slots, 50 driverless trucks",
            YardBlocks = [.. site.YardBlocks.Select(b => b with { Rows = 10, Position = b.Position with { Y = top + (rows.IndexOf(b.Position.Y) * 66) } })],
            DriverlessTrucks = [.. Enumerable.Range(1, 50).Select(i => site.DriverlessTrucks[0] with { Id = string.Create(CultureInfo.InvariantCulture, $"agv-{i:D2}"), ControllerId = string.Create(CultureInfo.InvariantCulture, $"ctl-agv-{i:D2}") })],
        };
        var path = Path.Combine(directory, "huu-nghi-live-stress.json");
        File.WriteAllText(path, SiteLayoutLoader.ToJson(stress));
        return path;
    }

    /// <summary>Ten equipment views a second, made up in the page from its layout: see the call.</summary>
    private const string SyntheticEquipment = """
        () => {
          const layout = window.bordergateLayout;
          const segments = layout.route.segments;
          const slots = layout.yardBlocks.reduce((n, b) => n + b.rows * b.bays, 0);
          const states = Array.from({ length: slots }, (_, i) => "FRO"[i % 3]);
          let tick = 0;
          setInterval(() => {
            tick++;
            const holders = {};
            const vehicles = layout.driverlessTrucks.map((v, i) => {
              const segment = segments[(i + tick) % segments.length];
              holders[segment.id] = v.id;
              return { vehicleId: v.id, mode: "Driving", waypoint: segment.from, segment: segment.id, containerNumber: i % 2 ? "CSQU3054383" : null, fault: null };
            });
            const cranes = layout.cranes.map((c, i) => ({
              craneId: c.id, mode: "Moving", positionX: c.railStartX + ((tick * 3 + i * 17) % Math.max(1, c.railEndX - c.railStartX)),
              current: i % 2 ? { containerNumber: "MSKU9070323" } : null, queue: [], fault: null }));
            let yardSlots = null;
            if (tick % 10 === 0) {
              for (let k = 0; k < slots / 20; k++) {
                const j = (k * 7919 + tick * 13) % slots;
                states[j] = "FRO"[(tick + k) % 3];
              }
              yardSlots = states.join("");
            }
            window.bordergateShowEquipment({ at: new Date().toISOString(), vehicles, segmentHolders: holders, cranes, yardSlots });
          }, 100);
        }
        """;

    private static TripBody Declaration(string plate) =>
        new("vn-fruit-co", plate, "CSQU3054383", "FreshFruit", "Export", "305123456789", "Nguyen Van A", "0912345678", 24_000);

    private static double Arg(string[] args, string name, double fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? double.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>A trip declaration as a company posts it (camelCase JSON).</summary>
    private sealed record TripBody(
        string CompanyId, string TruckPlate, string ContainerNumber, string CargoKind, string Direction, string CustomsDeclarationNumber, string DriverName, string DriverPhone, int GrossWeightKg);
}
