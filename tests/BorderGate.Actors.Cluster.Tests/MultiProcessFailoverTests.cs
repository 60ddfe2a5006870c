using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using BorderGate.Actors.Membership;
using BorderGate.Actors.Postgres;
using BorderGate.ClusterTestHost;
using BorderGate.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BorderGate.Actors.Cluster.Tests;

/// <summary>
/// Three silo processes on loopback and real PostgreSQL, load through a cluster client, one silo SIGKILLed mid-load:
/// every grain answers again within 5 s of the kill, no acknowledged write is lost, and no grain was ever active on two
/// live silos at once (from the silos' activation logs); the reminders the killed silo fired tick again on a survivor.
/// </summary>
public sealed class MultiProcessFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string ClusterId = "multi-process";
    private const int Grains = 150;
    private const int Alarms = 60;
    private readonly TempDirectory _logs = new("bordergate-activations-");
    private readonly List<SiloProcess> _silos = [];
    private PostgresTestDatabase _database = null!;
    private ServiceProvider _clientServices = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync("multi_process");
        var connectionString = ClusterTestSilo.WithPool(_database.ConnectionString);
        _silos.AddRange(await Task.WhenAll(Enumerable.Range(1, 3).Select(i =>
            SiloProcess.StartAsync(connectionString, ClusterId, Path.Combine(_logs.Path, $"silo{i}.log")))));
        _clientServices = new ServiceCollection().AddPostgresActorProviders(o => o.ConnectionString = connectionString).BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await _clientServices.DisposeAsync();
        await _database.DisposeAsync();
        _logs.Dispose();
    }

    [Fact]
    public async Task SiloKilledMidLoad_EveryGrainAnswersWithinFiveSeconds_NoAcknowledgedWriteLost_NeverTwoLiveActivations()
    {
        await using var client = await ClusterClient.ConnectAsync(
            new ClusterClientOptions { ClusterId = ClusterId },
            _clientServices.GetRequiredService<IMembershipTable>(),
            _clientServices.GetRequiredService<IGrainDirectoryTable>(),
            [typeof(VisitGrain).Assembly]);
        await Wait.WaitUntil(() => client.LiveSilos == 3, TimeSpan.FromSeconds(10), "the client sees three silos");
        var keys = Enumerable.Range(0, Grains).Select(i => $"cargo-{i:D3}").ToArray();
        var alarms = Enumerable.Range(0, Alarms).Select(i => $"yard-{i:D2}").ToArray();
        foreach (var alarm in alarms)
        {
            await client.GrainFactory.GetGrain<IAlarmGrain>(alarm).Arm(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500));
        }

        var acknowledged = new int[Grains];
        var homes = new string[Grains];
        var answeredAfterKill = new long[Grains];
        long killedAt = 0;
        var failures = 0;
        using var stop = new CancellationTokenSource();

        // Sixteen callers visit the grains round-robin; every answer is an acknowledged write of that count.
        var next = -1;
        var load = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var i = (int)((uint)Interlocked.Increment(ref next) % Grains);
                try
                {
                    var answer = await client.GrainFactory.GetGrain<IVisitGrain>(keys[i]).Visit("client");
                    var now = Stopwatch.GetTimestamp();
                    InterlockedMax(ref acknowledged[i], answer.Visits);
                    Volatile.Write(ref homes[i], answer.Silo);
                    if (Volatile.Read(ref killedAt) is var kill and > 0 && now > kill)
                    {
                        Interlocked.CompareExchange(ref answeredAfterKill[i], now, 0);
                    }
                }
                catch (Exception exception) when (exception is SiloUnavailableException or GrainCallTimeoutException or RemoteGrainException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();

        await Wait.WaitUntil(() => acknowledged.All(a => a >= 3), TimeSpan.FromSeconds(30), "every grain visited a few times");
        var victim = _silos.OrderByDescending(s => homes.Count(h => h == s.Name)).First();
        var victimGrains = homes.Count(h => h == victim.Name);
        Volatile.Write(ref killedAt, Stopwatch.GetTimestamp());
        victim.Kill();
        var killedUtc = DateTime.UtcNow;

        await Wait.WaitUntil(() => answeredAfterKill.All(a => a > 0), TimeSpan.FromSeconds(20), "every grain answered after the kill");

        // The reminders the killed silo fired (its share of the ring of three) tick again, fired by a survivor.
        var ring = new HashRing(_silos.Select(s => s.Name));
        var victimAlarms = alarms.Where(a => ring.OwnerOf(new GrainId("alarm", a).GetUniformHashCode()) == victim.Name).ToList();
        await Wait.WaitUntil(
            () => TicksAfter(killedUtc.Ticks).Select(t => t.Key).Distinct().Count() == Alarms,
            TimeSpan.FromSeconds(10),
            "every alarm ticked on a survivor after the kill");
        var alarmsBack = TimeSpan.FromTicks(alarms.Max(a => TicksAfter(killedUtc.Ticks).Where(t => t.Key == a).Min(t => t.At)) - killedUtc.Ticks);
        var failover = Stopwatch.GetElapsedTime(killedAt, answeredAfterKill.Max());
        await Task.Delay(500);
        await stop.CancelAsync();
        await Task.WhenAll(load);
        output.WriteLine($"{victimGrains} of {Grains} grains on the killed silo; every grain answered {failover.TotalSeconds:F2} s after the kill; {failures} calls failed meanwhile");
        output.WriteLine($"{victimAlarms.Count} of {Alarms} reminders fired by the killed silo; every reminder ticked on a survivor {alarmsBack.TotalSeconds:F2} s after the kill");

        Assert.True(failover < TimeSpan.FromSeconds(5), $"every grain answered only {failover} after the kill");
        Assert.True(victimGrains > 0);
        Assert.NotEmpty(victimAlarms);
        Assert.True(alarmsBack < TimeSpan.FromSeconds(5), $"the reminders ticked again only {alarmsBack} after the kill");

        // No acknowledged write lost: each grain's count is at least the highest the client was told.
        for (var i = 0; i < Grains; i++)
        {
            var visits = await client.GrainFactory.GetGrain<IVisitGrain>(keys[i]).Visits();
            Assert.True(visits >= acknowledged[i], $"{keys[i]}: {visits} visits stored, {acknowledged[i]} acknowledged");
        }

        // Never two live activations: the survivors stopped in order (their deactivations logged), the killed silo's
        // activations ended when it died.
        foreach (var silo in _silos.Where(s => s != victim))
        {
            await silo.DisposeAsync();
        }

        AssertNeverActiveTwiceAtOnce(victim, killedUtc.Ticks);
    }

    private void AssertNeverActiveTwiceAtOnce(SiloProcess victim, long killedTicks)
    {
        var intervals = new Dictionary<string, List<(string Silo, long From, long To)>>(StringComparer.Ordinal);
        foreach (var silo in _silos)
        {
            var open = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var line in File.ReadAllLines(silo.LogPath))
            {
                var parts = line.Split(' ');
                var at = long.Parse(parts[0], CultureInfo.InvariantCulture);
                if (parts[1] == "activate")
                {
                    open[parts[2]] = at;
                }
                else if (parts[1] == "deactivate" && open.Remove(parts[2], out var from))
                {
                    Add(parts[2], silo.Name, from, at);
                }
            }

            // Still active when the log ended: until the silo died (the victim) or stopped (the others deactivated all).
            foreach (var (key, from) in open)
            {
                Assert.True(silo == victim, $"{key} still active on {silo.Name}, which stopped in order");
                Add(key, silo.Name, from, killedTicks);
            }
        }

        foreach (var (key, list) in intervals)
        {
            var sorted = list.OrderBy(i => i.From).ToList();
            for (var i = 1; i < sorted.Count; i++)
            {
                Assert.True(sorted[i].From >= sorted[i - 1].To, $"{key} active on {sorted[i - 1].Silo} and {sorted[i].Silo} at once");
            }
        }

        Assert.Equal(Grains, intervals.Count);

        void Add(string key, string silo, long from, long to)
        {
            if (!intervals.TryGetValue(key, out var list))
            {
                intervals[key] = list = [];
            }

            list.Add((silo, from, to));
        }
    }

    /// <summary>Reminder ticks the surviving silos logged after <paramref name="ticks"/> (UTC).</summary>
    private IEnumerable<(string Key, long At)> TicksAfter(long ticks) =>
        _silos.Where(s => !s.HasExited && File.Exists(s.LogPath))
            .SelectMany(s => ReadLines(s.LogPath))
            .Select(line => line.Split(' '))
            .Where(parts => parts.Length == 4 && parts[1] == "tick")
            .Select(parts => (Key: parts[2], At: long.Parse(parts[0], CultureInfo.InvariantCulture)))
            .Where(t => t.At > ticks);

    /// <summary>The lines of a log a silo process is still appending to.</summary>
    private static List<string> ReadLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
