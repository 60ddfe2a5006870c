using BorderGate.Contracts.Crossing;

namespace BorderGate.Simulation.Play;

/// <summary>What a played day came to: final states, timings, the crossing's KPIs and every invariant violation seen.</summary>
public sealed record SimulationReport(
    int TrucksPlanned,
    IReadOnlyDictionary<string, int> FinalStatusCounts,
    TimeSpan WallTime,
    DateTimeOffset SiteStart,
    DateTimeOffset SiteEnd,
    int Polls,
    long FeedEvents,
    GateKpis? Kpis,
    IReadOnlyList<string> Violations,
    IReadOnlyDictionary<string, int> Notes,
    IReadOnlyList<StepTime>? StepTimes = null)
{
    public bool Passed => Violations.Count == 0;

    public void WriteTo(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        writer.WriteLine(string.Create(inv, $"trucks_planned: {TrucksPlanned}"));
        foreach (var (status, count) in FinalStatusCounts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            writer.WriteLine(string.Create(inv, $"final_{status}: {count}"));
        }

        writer.WriteLine(string.Create(inv, $"wall_s: {WallTime.TotalSeconds:0.0}"));
        writer.WriteLine(string.Create(inv, $"site_hours: {(SiteEnd - SiteStart).TotalHours:0.0}"));
        writer.WriteLine(string.Create(inv, $"polls: {Polls}"));
        writer.WriteLine(string.Create(inv, $"feed_events: {FeedEvents}"));
        if (Kpis is { } k)
        {
            writer.WriteLine(string.Create(inv, $"kpi_avg_wait_min: {k.AverageWait.TotalMinutes:0.0}"));
            writer.WriteLine(string.Create(inv, $"kpi_p95_wait_min: {k.P95Wait.TotalMinutes:0.0}"));
            writer.WriteLine(string.Create(inv, $"kpi_avg_turn_min: {k.AverageTurn.TotalMinutes:0.0}"));
            writer.WriteLine(string.Create(inv, $"kpi_p95_turn_min: {k.P95Turn.TotalMinutes:0.0}"));
            writer.WriteLine(string.Create(inv, $"kpi_yard_occupied: {k.YardOccupied}/{k.YardCapacity}"));
            var peak = k.ThroughputByHour.Count == 0 ? 0 : k.ThroughputByHour.Max(h => h.Completed);
            writer.WriteLine(string.Create(inv, $"kpi_peak_completed_per_hour: {peak}"));
        }

        foreach (var (note, count) in Notes)
        {
            writer.WriteLine(string.Create(inv, $"note: {note} (x{count})"));
        }

        foreach (var step in StepTimes ?? [])
        {
            writer.WriteLine(string.Create(inv, $"# step {step.From} -> {step.To}: {step.Count}, {step.AverageSiteSeconds:0.0} site s on average"));
        }

        writer.WriteLine(string.Create(inv, $"violations: {Violations.Count}"));
        foreach (var violation in Violations.Take(20))
        {
            writer.WriteLine($"  - {violation}");
        }
    }
}

/// <summary>How long trucks took, in site time, from one step of their trips to the next (from the crossing's feed).</summary>
public sealed record StepTime(string From, string To, int Count, double AverageSiteSeconds);
