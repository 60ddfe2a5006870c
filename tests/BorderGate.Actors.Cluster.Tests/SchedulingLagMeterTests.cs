using BorderGate.Actors.Membership;

namespace BorderGate.Actors.Cluster.Tests;

/// <summary>The meter's arithmetic, on a clock and a timer the test moves by hand (a fake clock fires timers on time).</summary>
public sealed class SchedulingLagMeterTests
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void TicksOnTime_ShowNoLag()
    {
        var clock = new HandClock();
        using var meter = new SchedulingLagMeter(clock, Period, TimeSpan.FromSeconds(1));

        for (var i = 0; i < 20; i++)
        {
            clock.Advance(Period);
            clock.Fire();
        }

        Assert.Equal(TimeSpan.Zero, meter.Current);
        Assert.Equal(Period, clock.NextDue);
    }

    [Fact]
    public void LateTick_ShowsForTheWindow_ThenIsForgotten()
    {
        var clock = new HandClock();
        using var meter = new SchedulingLagMeter(clock, Period, TimeSpan.FromSeconds(1));

        clock.Advance(Period + TimeSpan.FromMilliseconds(300));
        clock.Fire();
        Assert.Equal(TimeSpan.FromMilliseconds(300), meter.Current);

        // The next tick is due a period after the late one ran, so it is on time, and the late one is still remembered.
        clock.Advance(Period);
        clock.Fire();
        Assert.Equal(TimeSpan.FromMilliseconds(300), meter.Current);

        for (var i = 0; i < 10; i++)
        {
            clock.Advance(Period);
            clock.Fire();
        }

        Assert.Equal(TimeSpan.Zero, meter.Current);
    }

    [Fact]
    public void TicksThatStopComing_ShowAsTheOverdueTime()
    {
        var clock = new HandClock();
        using var meter = new SchedulingLagMeter(clock, Period, TimeSpan.FromSeconds(1));
        clock.Advance(Period);
        clock.Fire();

        // The process is stopped (or its pool is backlogged): no tick runs, yet the lag shows while it lasts.
        clock.Advance(Period + TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromSeconds(2), meter.Current);
    }

    /// <summary>A clock moved by the test, whose one timer fires only when the test says.</summary>
    private sealed class HandClock : TimeProvider
    {
        private long _now = 1_000_000;
        private HandTimer? _timer;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _now;

        public TimeSpan NextDue => _timer!.Due;

        public void Advance(TimeSpan by) => _now += by.Ticks;

        public void Fire() => _timer!.Callback(_timer.State);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            _timer = new HandTimer(callback, state, dueTime);

        private sealed class HandTimer(TimerCallback callback, object? state, TimeSpan due) : ITimer
        {
            public TimerCallback Callback { get; } = callback;

            public object? State { get; } = state;

            public TimeSpan Due { get; private set; } = due;

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                Due = dueTime;
                return true;
            }

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => default;
        }
    }
}
