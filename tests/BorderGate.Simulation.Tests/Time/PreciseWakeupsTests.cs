using System.Collections.Concurrent;
using System.Diagnostics;
using BorderGate.Simulation.Time;

namespace BorderGate.Simulation.Tests.Time;

/// <summary>The scaled clock's sub-millisecond wake-ups (Linux): each fires once, never before its moment, nearest first.</summary>
public sealed class PreciseWakeupsTests
{
    private static readonly DateTimeOffset s_siteStart = new(2026, 3, 2, 17, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task EveryWakeup_FiresOnce_NeverBeforeItsMoment()
    {
        var wakeups = PreciseWakeups.Shared;
        Assert.True(wakeups is not null || !OperatingSystem.IsLinux(), "Linux has eventfd and ppoll");
        if (wakeups is null)
        {
            return;
        }

        const int count = 2_000;
        var random = new Random(7);
        var due = new long[count];
        var firedAt = new ConcurrentDictionary<long, long>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            // Spread over 200 ms, scheduled out of order, some in the past already.
            due[i] = start + (long)(random.Next(-5_000, 200_000) * (Stopwatch.Frequency / 1_000_000.0));
            wakeups.Schedule(due[i], token =>
            {
                Assert.True(firedAt.TryAdd(token, Stopwatch.GetTimestamp()), $"wake-up {token} fired twice");
                if (firedAt.Count == count)
                {
                    all.TrySetResult();
                }
            }, i);
        }

        await all.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(firedAt, fired => Assert.True(fired.Value >= due[fired.Key], $"wake-up {fired.Key} fired {Stopwatch.GetElapsedTime(fired.Value, due[fired.Key])} early"));
    }

    [Fact]
    public async Task NearerMoment_ScheduledAfterAFarOne_WakesFirst()
    {
        if (PreciseWakeups.Shared is not { } wakeups)
        {
            return;
        }

        var order = new ConcurrentQueue<string>();
        var far = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var near = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var now = Stopwatch.GetTimestamp();
        wakeups.Schedule(now + Stopwatch.Frequency, _ => { order.Enqueue("far"); far.TrySetResult(); }, 0);
        wakeups.Schedule(now + (Stopwatch.Frequency / 200), _ => { order.Enqueue("near"); near.TrySetResult(); }, 1);

        await near.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["near"], order);
        await far.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["near", "far"], order);
    }

    [Fact]
    public async Task ScaledTimers_OnTheSystemClock_FireOnce_NotBeforeTheirSiteMoment()
    {
        var site = new ScaledTimeProvider(6000, s_siteStart);
        var fired = new ConcurrentQueue<(int Index, DateTimeOffset At)>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var timers = new List<ITimer>();
        var scheduledAt = site.GetUtcNow();
        for (var i = 1; i <= 20; i++)
        {
            var index = i;

            // 10, 20, ... 200 site seconds: 1.7 to 33 real milliseconds at 6,000x.
            timers.Add(site.CreateTimer(_ =>
            {
                fired.Enqueue((index, site.GetUtcNow()));
                if (fired.Count == 20)
                {
                    done.TrySetResult();
                }
            }, null, TimeSpan.FromSeconds(10 * i), Timeout.InfiniteTimeSpan));
        }

        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // Each once (their callbacks run on the thread pool, so two due close together may run in either order).
        Assert.Equal(Enumerable.Range(1, 20), fired.Select(f => f.Index).Order());
        Assert.All(fired, f => Assert.True(f.At >= scheduledAt + TimeSpan.FromSeconds(10 * f.Index), $"timer {f.Index} fired early at {f.At:O}"));
        foreach (var timer in timers)
        {
            timer.Dispose();
        }
    }
}
