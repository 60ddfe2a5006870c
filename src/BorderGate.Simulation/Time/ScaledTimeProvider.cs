namespace BorderGate.Simulation.Time;

/// <summary>
/// Site time that runs <see cref="SpeedUp"/> times faster than real time from <see cref="SiteStart"/>: wall
/// clock, timestamps and timers all agree, so a grain timer of one site minute fires after a minute divided
/// by the speed-up of real time, and never before its site moment.
/// </summary>
public sealed class ScaledTimeProvider : TimeProvider
{
    private readonly TimeProvider _real;
    private readonly long _realStart;

    /// <param name="speedUp">How many site seconds pass per real second (at least 1).</param>
    /// <param name="siteStart">The site time at the moment of construction.</param>
    /// <param name="real">The real clock (the system's unless a test passes another).</param>
    public ScaledTimeProvider(double speedUp, DateTimeOffset siteStart, TimeProvider? real = null)
    {
        if (!double.IsFinite(speedUp) || speedUp < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(speedUp), speedUp, "The speed-up must be a finite number of at least 1.");
        }

        SpeedUp = speedUp;
        SiteStart = siteStart;
        _real = real ?? System;
        _realStart = _real.GetTimestamp();
        Wakeups = ReferenceEquals(_real, System) ? PreciseWakeups.Shared : null;
    }

    public double SpeedUp { get; }

    public DateTimeOffset SiteStart { get; }

    public override long TimestampFrequency => _real.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => SiteStart + TimeSpan.FromTicks(SiteTicksSinceStart(_real.GetTimestamp()));

    public override long GetTimestamp() => ToSiteTimestamp(_real.GetTimestamp());

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new ScaledTimer(this, callback, state, dueTime, period);
    }

    /// <summary>The real time that <paramref name="siteSpan"/> of site time takes.</summary>
    public TimeSpan ToReal(TimeSpan siteSpan) => TimeSpan.FromTicks((long)(siteSpan.Ticks / SpeedUp));

    /// <summary>The site time that <paramref name="realSpan"/> of real time covers.</summary>
    public TimeSpan ToSite(TimeSpan realSpan) => TimeSpan.FromTicks((long)(realSpan.Ticks * SpeedUp));

    internal TimeProvider Real => _real;

    /// <summary>Sub-millisecond wake-ups for timers on the system clock (Linux), or null: real timers then.</summary>
    internal PreciseWakeups? Wakeups { get; }

    /// <summary>The real timestamp at which the site clock reads <paramref name="siteTimestamp"/> (not before it).</summary>
    internal long ToRealTimestamp(long siteTimestamp) => _realStart + (long)Math.Ceiling((siteTimestamp - _realStart) / SpeedUp);

    internal long ToSiteTimestamp(long realTimestamp) => _realStart + (long)((realTimestamp - _realStart) * SpeedUp);

    private long SiteTicksSinceStart(long realTimestamp) =>
        (long)((realTimestamp - _realStart) * SpeedUp * TimeSpan.TicksPerSecond / _real.TimestampFrequency);
}
