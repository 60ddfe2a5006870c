using BorderGate.ClusterTestHost;
using BorderGate.TestSupport;
using Xunit.Abstractions;

namespace BorderGate.Actors.Cluster.Tests;

/// <summary>
/// Reminders in a cluster of three silos on real PostgreSQL: each fired by exactly one silo (its owner on the ring), ticks
/// delivered to grains living on other silos, and a killed silo's reminders taken and fired by the survivors.
/// </summary>
public sealed class ClusterReminderTests(ITestOutputHelper output) : ThreeSiloTests("cluster_reminders")
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Wait.WaitUntil(
            () => Silos.All(s => s.Runtime.Reminders.OwnedRanges.Sum(r => r.Fraction) < 0.99),
            TimeSpan.FromSeconds(10),
            "the three share the ring");
    }

    /// <summary>Armed from any silo, a reminder is scheduled by its owner on the ring, and by no other, before Arm returns.</summary>
    [Fact]
    public async Task Reminder_RegisteredOnAnySilo_IsScheduledByItsOwnerOnly()
    {
        var keys = Enumerable.Range(0, 60).Select(i => $"lane-{i}").ToList();
        for (var i = 0; i < keys.Count; i++)
        {
            await Silos[i % 3].Grains.GetGrain<IAlarmGrain>(keys[i]).Arm(TimeSpan.FromHours(1), TimeSpan.FromHours(1));
        }

        foreach (var key in keys)
        {
            var id = new GrainId("alarm", key);
            var firing = Silos.Where(s => s.Runtime.Reminders.IsScheduled(id, AlarmGrain.ReminderName)).ToList();
            Assert.Single(firing);
            Assert.True(firing[0].Runtime.Reminders.Owns(id));
        }

        var counts = Silos.Select(s => s.Runtime.Reminders.LocalCount).ToList();
        output.WriteLine($"reminders per silo: {string.Join(", ", counts)}");
        Assert.All(counts, c => Assert.True(c > 0, "every silo fires a share"));

        // Disarmed from a silo that neither hosts nor fires it: no silo keeps it.
        var victim = new GrainId("alarm", keys[0]);
        var other = Silos.First(s => !s.Runtime.Reminders.IsScheduled(victim, AlarmGrain.ReminderName));
        await other.Grains.GetGrain<IAlarmGrain>(keys[0]).Disarm();
        Assert.All(Silos, s => Assert.False(s.Runtime.Reminders.IsScheduled(victim, AlarmGrain.ReminderName)));
    }

    /// <summary>
    /// A silo killed: the reminders it fired are taken by the survivors at the view that declares it dead, and tick again
    /// (on grains re-activated on the survivors, and on grains living on another silo than their reminder's owner).
    /// </summary>
    [Fact]
    public async Task KilledSilo_ItsRemindersFireOnTheSurvivors()
    {
        var keys = Enumerable.Range(0, 30).Select(i => $"crane-{i}").ToList();
        for (var i = 0; i < keys.Count; i++)
        {
            await Silos[i % 3].Grains.GetGrain<IAlarmGrain>(keys[i]).Arm(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500));
        }

        await Wait.WaitUntil(() => keys.All(k => Log.Ticks.Any(t => t.Key == k)), TimeSpan.FromSeconds(10), "every alarm ticked");
        output.WriteLine($"scheduled per silo: {string.Join(", ", Silos.Select(s => $"{s.Name} {s.Runtime.Reminders.LocalCount} (share {s.Runtime.Reminders.OwnedRanges.Sum(r => r.Fraction):F2})"))}");
        var victim = Silos.MaxBy(s => s.Runtime.Reminders.LocalCount)!;
        var owned = keys.Where(k => victim.Runtime.Reminders.IsScheduled(new GrainId("alarm", k), AlarmGrain.ReminderName)).ToList();
        Assert.NotEmpty(owned);

        // Ticks cross silos: some grain ticked where its reminder is not fired from.
        Assert.Contains(Log.Ticks, t => !Silos.Single(s => s.Name == t.Silo).Runtime.Reminders.IsScheduled(new GrainId("alarm", t.Key), AlarmGrain.ReminderName));

        var killedAt = DateTime.UtcNow;
        await victim.CrashAsync(Log);
        var survivors = Silos.Where(s => s != victim).ToList();

        await Wait.WaitUntil(
            () => keys.All(k => Log.Ticks.Any(t => t.Key == k && t.At > killedAt && t.Silo != victim.Name)),
            TimeSpan.FromSeconds(10),
            "every alarm ticked on a survivor after the kill");
        var lastFirstTick = keys.Max(k => Log.Ticks.Where(t => t.Key == k && t.At > killedAt).Min(t => t.At));
        output.WriteLine($"{owned.Count} of {keys.Count} reminders fired by the killed silo; every alarm ticked again {(lastFirstTick - killedAt).TotalSeconds:F2} s after the kill");

        foreach (var key in keys)
        {
            var id = new GrainId("alarm", key);
            Assert.Single(survivors, s => s.Runtime.Reminders.IsScheduled(id, AlarmGrain.ReminderName));
        }

        Assert.Equal(0, victim.Runtime.Reminders.LocalCount);
        Assert.True(lastFirstTick - killedAt < TimeSpan.FromSeconds(5), $"the killed silo's reminders ticked again only {lastFirstTick - killedAt} after the kill");
    }

    /// <summary>A reminder notice the silo cannot read is refused saying why; the silo fires and serves on.</summary>
    [Theory]
    [InlineData("changed", "no-slash", "names its grain as type/key")]
    [InlineData("changed", "", "names its grain as type/key")]
    [InlineData("forget-everything", "alarm/lane-1", "Unknown reminder request 'forget-everything'")]
    public async Task UnreadableReminderNotice_IsRefusedClearly(string method, string key, string expected)
    {
        await using var stranger = ClusterTestSilo.Stranger();

        var answer = await stranger.SendRequestAsync(Silos[0].Runtime.Cluster!.Self, Networking.Frame.Request(ReminderNotices.TargetType, key, method, default));

        Assert.Equal(Networking.FrameKind.Error, answer.Kind);
        Assert.Contains(expected, answer.ErrorMessage, StringComparison.Ordinal);
        await Silos[1].Grains.GetGrain<IAlarmGrain>("lane-1").Arm(TimeSpan.FromHours(1), TimeSpan.FromHours(1));
        Assert.Single(Silos, s => s.Runtime.Reminders.IsScheduled(new GrainId("alarm", "lane-1"), AlarmGrain.ReminderName));
    }
}
