namespace BorderGate.Grains.Gate;

public sealed partial class GateGrain
{
    /// <summary>How many completions are stored as samples before the KPI window itself is stored again.</summary>
    internal const int KpiFoldEvery = 32;

    // What the KPIs show: the stored window and the samples stored since. Rebuilt from storage after a failed write, so
    // that it never shows a completion that was not stored.
    private KpiWindow _liveKpis = new();
    private long _kpiSeq;

    private void LoadKpis()
    {
        _liveKpis = kpis.State.Copy();
        foreach (var sample in kpisRecent.State.Samples.Where(s => s.Seq > kpis.State.Folded))
        {
            _liveKpis.Record(sample);
        }

        _kpiSeq = Math.Max(kpis.State.Folded, kpisRecent.State.Samples.Select(s => s.Seq).DefaultIfEmpty(0).Max());
    }

    /// <summary>
    /// Stores a completed trip's times: as a sample beside the window, or, every <see cref="KpiFoldEvery"/> completions,
    /// folded with the samples before it into the window, which is then stored (the samples it holds are dropped with
    /// the next sample's write; loading skips samples the window holds already).
    /// </summary>
    private async Task RecordKpisAsync(TimeSpan? wait, TimeSpan? turn, DateTimeOffset at)
    {
        var sample = new KpiSample(++_kpiSeq, Seconds(wait), Seconds(turn), at);
        _liveKpis.Record(sample);
        var samples = kpisRecent.State.Samples;
        samples.RemoveAll(s => s.Seq <= kpis.State.Folded);
        samples.Add(sample);
        try
        {
            if (samples.Count < KpiFoldEvery)
            {
                await kpisRecent.WriteStateAsync();
                return;
            }

            foreach (var folded in samples)
            {
                kpis.State.Record(folded);
            }

            kpis.State.Folded = sample.Seq;
            await kpis.WriteStateAsync();
        }
        catch
        {
            // Both states are back at what storage holds (but for this sample in memory, if the window's write failed).
            kpisRecent.State.Samples.Remove(sample);
            LoadKpis();
            throw;
        }
    }

    /// <summary>Whole seconds: KPIs shown in minutes need no more.</summary>
    private static double? Seconds(TimeSpan? time) => time is { } t ? Math.Round(t.TotalSeconds) : null;
}
