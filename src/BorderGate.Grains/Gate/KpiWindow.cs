using BorderGate.Contracts.Crossing;

namespace BorderGate.Grains.Gate;

/// <summary>
/// The gate's recent completions, for live KPIs: the last <see cref="Capacity"/> wait and turn times and
/// the completions per clock hour of the last day.
/// </summary>
public sealed class KpiWindow
{
    public const int Capacity = 1_000;

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
