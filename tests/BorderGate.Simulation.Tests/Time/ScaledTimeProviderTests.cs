using BorderGate.Simulation.Time;
using Microsoft.Extensions.Time.Testing;

namespace BorderGate.Simulation.Tests.Time;

public sealed class ScaledTimeProviderTests
{
    private static readonly DateTimeOffset s_siteStart = new(2026, 3, 2, 17, 0, 0, TimeSpan.Zero);

    [Fact]
    public void WallClockAndTimestamps_RunSpeedUpTimesFaster_AndAgree()
    {
        var real = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var site = new ScaledTimeProvider(60, s_siteStart, real);
        var t0 = site.GetTimestamp();

        real.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(s_siteStart + TimeSpan.FromMinutes(2), site.GetUtcNow());
        Assert.Equal(TimeSpan.FromMinutes(2), site.GetElapsedTime(t0));
        Assert.Equal(TimeSpan.FromSeconds(1), site.ToReal(TimeSpan.FromMinutes(1)));
        Assert.Equal(TimeSpan.FromMinutes(1), site.ToSite(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void OneShotTimer_FiresAtItsScaledMoment_NotBefore()
    {
        var real = new FakeTimeProvider();
        var site = new ScaledTimeProvider(60, s_siteStart, real);
        var fired = new List<DateTimeOffset>();
        using var timer = site.CreateTimer(_ => fired.Add(site.GetUtcNow()), null, TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan);

        real.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Empty(fired);

        real.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([s_siteStart + TimeSpan.FromMinutes(1)], fired);

        real.Advance(TimeSpan.FromSeconds(10));
        Assert.Single(fired);
    }

    [Fact]
    public void PeriodicTimer_FiresEveryScaledPeriod_AndChangeReschedules()
    {
        var real = new FakeTimeProvider();
        var site = new ScaledTimeProvider(120, s_siteStart, real);
        var fired = 0;
        using var timer = site.CreateTimer(_ => fired++, null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

        for (var i = 0; i < 10; i++)
        {
            real.Advance(TimeSpan.FromMilliseconds(500));
        }

        Assert.Equal(10, fired);

        timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        real.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(10, fired);

        timer.Change(TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
        real.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(10, fired);
        real.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(11, fired);
    }

    [Fact]
    public void DisposedTimer_NeverFires()
    {
        var real = new FakeTimeProvider();
        var site = new ScaledTimeProvider(10, s_siteStart, real);
        var fired = false;
        var timer = site.CreateTimer(_ => fired = true, null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);

        timer.Dispose();
        real.Advance(TimeSpan.FromSeconds(5));

        Assert.False(fired);
        Assert.False(timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public async Task TaskDelay_OnTheSystemClock_TakesTheScaledRealTime_AndNoLessSiteTime()
    {
        var site = new ScaledTimeProvider(100, s_siteStart);
        var realStart = TimeProvider.System.GetTimestamp();
        var siteStart = site.GetUtcNow();

        await Task.Delay(TimeSpan.FromSeconds(20), site);

        Assert.True(site.GetUtcNow() - siteStart >= TimeSpan.FromSeconds(20));
        var realElapsed = TimeProvider.System.GetElapsedTime(realStart);
        Assert.InRange(realElapsed, TimeSpan.FromMilliseconds(195), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task TimerDueSoonerThanARealTimerTicks_FiresOnce_NotBeforeItsSiteMoment()
    {
        // 250 site-ms at 6,000× is 42 real µs: less than a real timer can wait, so it runs from the thread pool.
        var site = new ScaledTimeProvider(6000, s_siteStart);
        for (var i = 0; i < 20; i++)
        {
            var fired = 0;
            var firedAt = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
            var due = site.GetUtcNow() + TimeSpan.FromMilliseconds(250);
            using var timer = site.CreateTimer(_ =>
            {
                Interlocked.Increment(ref fired);
                firedAt.TrySetResult(site.GetUtcNow());
            }, null, TimeSpan.FromMilliseconds(250), Timeout.InfiniteTimeSpan);

            Assert.True(await firedAt.Task.WaitAsync(TimeSpan.FromSeconds(10)) >= due);
            await Task.Delay(TimeSpan.FromMilliseconds(5));
            Assert.Equal(1, Volatile.Read(ref fired));
        }
    }

    [Fact]
    public async Task PeriodicTimerFasterThanARealTimerTicks_KeepsFiring_UntilStopped()
    {
        var site = new ScaledTimeProvider(6000, s_siteStart);
        var fired = 0;
        using var timer = site.CreateTimer(_ => Interlocked.Increment(ref fired), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(600));

        // Behaviour, not speed (the other test classes load the machine while this runs): it keeps firing, then stops.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Volatile.Read(ref fired) < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5));
        }

        Assert.True(Volatile.Read(ref fired) >= 3, $"fired {fired} times");

        timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        await Task.Delay(TimeSpan.FromMilliseconds(10)); // a callback running when stopped may still finish
        var stopped = Volatile.Read(ref fired);
        await Task.Delay(TimeSpan.FromMilliseconds(50));
        Assert.Equal(stopped, Volatile.Read(ref fired));
    }

    [Fact]
    public void SpeedUpBelowOne_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScaledTimeProvider(0.5, s_siteStart));
}
