using BorderGate.Contracts.Crossing;

namespace BorderGate.Grains.Gate;

/// <summary>
/// The gate's recent completions, for live KPIs: the last <see cref="Capacity"/> wait and turn times and
/// the completions per clock hour of the last day. Stored every <see cref="GateGrain.KpiFoldEvery"/> completions; the
/// completions in between are stored as <see cref="KpiSample"/>s (state "gate-kpis-recent"), a few hundred bytes
/// instead of the window's 12 KB per completed trip.
/// </summary>
public sealed class KpiWindow
{
    public const int Capacity = 1_000;

    /// <summary>The sequence number of the last sample folded into this window (samples after it are stored apart).</summary>
    public long Folded { get; set; }

    public List<double> WaitSeconds { get; set; } = [];

    public List<double> TurnSeconds { get; set; } = [];

    /// <summary>Completions per hour (key: Unix hours).</summary>
    public Dictionary<long, int> Hourly { get; set; } = [];

    public void Record(TimeSpan? wait, TimeSpan? turn, DateTimeOffset at)
    {
        Add(WaitSeconds, wait);
        Add(TurnSeconds, turn);
        var hour = at.ToUnixTimeSeconds() / 3600;
        Hourly[hour] = Hourly.GetValueOrDefault(hour) + 1;
        foreach (var old in Hourly.Keys.Where(h => h < hour - 24).ToList())
        {
            Hourly.Remove(old);
        }
    }

    public void Record(KpiSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        Record(sample.WaitSeconds is { } w ? TimeSpan.FromSeconds(w) : null, sample.TurnSeconds is { } t ? TimeSpan.FromSeconds(t) : null, sample.At);
    }

    public KpiWindow Copy() => new()
    {
        Folded = Folded,
        WaitSeconds = [.. WaitSeconds],
        TurnSeconds = [.. TurnSeconds],
        Hourly = new Dictionary<long, int>(Hourly),
    };

    public int CompletedInLastHour(DateTimeOffset now)
    {
        var hour = now.ToUnixTimeSeconds() / 3600;
        var fraction = (now.ToUnixTimeSeconds() % 3600) / 3600.0;

        // The current hour so far plus the matching tail of the previous one.
        return Hourly.GetValueOrDefault(hour) + (int)Math.Round(Hourly.GetValueOrDefault(hour - 1) * (1 - fraction));
    }

    public IReadOnlyList<HourlyThroughput> ByHour() =>
        [.. Hourly.OrderBy(h => h.Key).Select(h => new HourlyThroughput(DateTimeOffset.FromUnixTimeSeconds(h.Key * 3600), h.Value))];

    public static TimeSpan Average(List<double> seconds) =>
        seconds.Count == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(seconds.Average());

    public static TimeSpan Percentile(List<double> seconds, double percentile)
    {
        if (seconds.Count == 0)
        {
            return TimeSpan.Zero;
        }

        var sorted = seconds.Order().ToArray();
        var index = (int)Math.Ceiling(percentile * sorted.Length) - 1;
        return TimeSpan.FromSeconds(sorted[Math.Clamp(index, 0, sorted.Length - 1)]);
    }

    private static void Add(List<double> values, TimeSpan? value)
    {
        if (value is not { } v)
        {
            return;
        }

        // Whole seconds: KPIs shown in minutes need no more, and the window is stored with every completed trip.
        values.Add(Math.Round(v.TotalSeconds));
        if (values.Count > Capacity)
        {
            values.RemoveRange(0, values.Count - Capacity);
        }
    }
}

/// <summary>One completed trip's times, numbered, stored until it is folded into the <see cref="KpiWindow"/>.</summary>
public sealed record KpiSample(long Seq, double? WaitSeconds, double? TurnSeconds, DateTimeOffset At);

/// <summary>The completions since the window was last stored (state "gate-kpis-recent").</summary>
public sealed class KpiRecent
{
    public List<KpiSample> Samples { get; set; } = [];
}
