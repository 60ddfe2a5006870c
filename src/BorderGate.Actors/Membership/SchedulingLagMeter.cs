using BorderGate.Actors.Diagnostics;

namespace BorderGate.Actors.Membership;

/// <summary>
/// How late this process runs its own work: a timer, re-armed at each tick, notes how much later than due each tick ran
/// (a backlog of the thread pool, a collection, the cores taken away — all show). <see cref="Current"/> is the largest
/// lateness of the last window, or how overdue the next tick is when ticks stopped coming. A silo that runs this late
/// cannot tell a silent peer from its own delay (<see cref="MembershipAgent"/> then holds no missed probe against anyone).
/// </summary>
internal sealed class SchedulingLagMeter : IDisposable
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _period;
    private readonly long _windowTicks;
    private readonly (long At, long Late)[] _samples;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private long _lastTick;
    private int _next;

    public SchedulingLagMeter(TimeProvider time, TimeSpan period, TimeSpan window)
    {
        _time = time;
        _period = period;
        _windowTicks = (long)(window.TotalSeconds * time.TimestampFrequency);
        _samples = new (long, long)[Math.Max(1, (int)Math.Ceiling(window / period)) + 1];
        _lastTick = time.GetTimestamp();
        // Armed once the field is set: a tick that ran before would find no timer to re-arm.
        _timer = time.CreateTimer(static s => ((SchedulingLagMeter)s!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(period, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The largest lateness seen within the window, or the next tick's overdue time if larger.</summary>
    public TimeSpan Current
    {
        get
        {
            var now = _time.GetTimestamp();
            lock (_lock)
            {
                var worst = Math.Max(0, now - _lastTick - ToTicks(_period));
                foreach (var (at, late) in _samples)
                {
                    if (at != 0 && now - at <= _windowTicks)
                    {
                        worst = Math.Max(worst, late);
                    }
                }

                return TimeSpan.FromSeconds((double)worst / _time.TimestampFrequency);
            }
        }
    }

    private void Tick()
    {
        var now = _time.GetTimestamp();
        long late;
        lock (_lock)
        {
            late = Math.Max(0, now - _lastTick - ToTicks(_period));
            _samples[_next] = (now, late);
            _next = (_next + 1) % _samples.Length;
            _lastTick = now;
        }

        ActorDiagnostics.SchedulingLag.Record((double)late * 1000 / _time.TimestampFrequency);

        // Due a period after this tick ran, not after the last one was due: a late tick does not make the next look early.
        try
        {
            _timer.Change(_period, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Stopped meanwhile.
        }
    }

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    public void Dispose() => _timer.Dispose();
}
