namespace BorderGate.Simulation.Time;

/// <summary>
/// A timer of a <see cref="ScaledTimeProvider"/>. On Linux on the system clock it is woken by <see cref="PreciseWakeups"/>
/// at its real moment (tens of microseconds). Elsewhere: one real one-shot timer re-armed for each firing. Real timers
/// tick in whole milliseconds and may wake a little early, so a firing that comes before its site moment is
/// put off for the rest instead of running early; periods keep their rate (no drift from late callbacks).
/// On the system clock, a site moment less than <see cref="RealTimerResolution"/> away (a weighbridge reading every
/// 250 site-ms is 42 real µs apart at 6,000×) is not left to a real timer, which would wait a whole millisecond and
/// a wake of its thread: it is queued to the thread pool, and only if it is still early when its turn comes there (no
/// spinning) does a real timer wait for the rest.
/// </summary>
internal sealed class ScaledTimer : ITimer
{
    private readonly ScaledTimeProvider _clock;
    private readonly TimerCallback _callback;
    private readonly object? _state;
    private readonly ITimer? _real;
    private readonly Action<long>? _wake;
    private readonly Lock _lock = new();
    private long _dueSiteTimestamp;
    private long _periodSiteTicks;
    private bool _disposed;
    private long _generation;

    /// <summary>The shortest real wait left to a real timer (they tick in whole milliseconds).</summary>
    internal static readonly TimeSpan RealTimerResolution = TimeSpan.FromMilliseconds(1);

    /// <summary>How close to its moment a queued firing may be queued again rather than wait on a real timer.</summary>
    internal static readonly TimeSpan QueuedSliver = TimeSpan.FromMilliseconds(0.2);

    public ScaledTimer(ScaledTimeProvider clock, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _clock = clock;
        _callback = callback;
        _state = state;
        if (clock.Wakeups is not null)
        {
            _wake = generation => OnRealTimer(generation);
        }
        else
        {
            _real = clock.Real.CreateTimer(static s => ((ScaledTimer)s!).OnRealTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        Change(dueTime, period);
    }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return false;
            }

            _periodSiteTicks = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? 0 : StopwatchTicks(period);
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                _dueSiteTimestamp = long.MaxValue;
                _generation++;
                _real?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                return true;
            }

            _dueSiteTimestamp = _clock.GetTimestamp() + StopwatchTicks(dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime);
            ArmLocked();
            return true;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        _real?.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void OnRealTimer(long? generation = null)
    {
        lock (_lock)
        {
            if (_disposed || _dueSiteTimestamp == long.MaxValue || (generation is { } armed && armed != _generation))
            {
                // Disposed, stopped, or a queued firing that a later arming replaced.
                return;
            }

            var now = _clock.GetTimestamp();
            if (now < _dueSiteTimestamp)
            {
                // Woken before the site moment (millisecond rounding): wait for the rest — from the thread pool if the real
                // timer woke it, or if a queued firing is within a sliver of it; else on a real timer (no spinning).
                var realLeft = (_dueSiteTimestamp - now) / (double)_clock.TimestampFrequency / _clock.SpeedUp;
                ArmLocked(queue: generation is null || realLeft < QueuedSliver.TotalSeconds);
                return;
            }

            if (_periodSiteTicks > 0)
            {
                _dueSiteTimestamp += _periodSiteTicks;
                if (_dueSiteTimestamp <= now)
                {
                    // Far behind (a slow callback, a paused process): skip the missed ticks rather than burst.
                    _dueSiteTimestamp = now + _periodSiteTicks;
                }

                ArmLocked();
            }
            else
            {
                _dueSiteTimestamp = long.MaxValue;
            }
        }

        _callback(_state);
    }

    private void ArmLocked(bool queue = true)
    {
        var generation = ++_generation;
        if (_clock.Wakeups is { } wakeups)
        {
            wakeups.Schedule(_clock.ToRealTimestamp(_dueSiteTimestamp), _wake!, generation);
            return;
        }

        var real = _real!;
        var siteRemaining = _dueSiteTimestamp - _clock.GetTimestamp();
        var realSeconds = siteRemaining / (double)_clock.TimestampFrequency / _clock.SpeedUp;
        if (queue && ReferenceEquals(_clock.Real, TimeProvider.System) && realSeconds < RealTimerResolution.TotalSeconds)
        {
            real.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Timer.OnRealTimer(s.Generation), (Timer: this, Generation: generation), preferLocal: false);
            return;
        }

        if (siteRemaining <= 0)
        {
            real.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            return;
        }

        // Whole milliseconds, rounded to the nearest: a real timer cannot wait less than one, and one that wakes early
        // (by under half a millisecond) leaves the rest to the thread pool, which never fires early either.
        var realMs = Math.Max(1, Math.Round(realSeconds * 1000));
        real.Change(TimeSpan.FromMilliseconds(realMs), Timeout.InfiniteTimeSpan);
    }

    private long StopwatchTicks(TimeSpan span) => (long)(span.Ticks * (_clock.TimestampFrequency / (double)TimeSpan.TicksPerSecond));
}
