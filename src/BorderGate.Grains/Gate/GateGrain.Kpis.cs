using BorderGate.Contracts.Crossing;

namespace BorderGate.Grains.Gate;

public sealed partial class GateGrain
{
    /// <summary>How many completions are stored as samples before the KPI window itself is stored again.</summary>
    internal const int KpiFoldEvery = 32;

    // What the KPIs show: the stored window and the samples stored since. Rebuilt from storage after a failed write, so
    // that it never shows a completion that was not stored.
    private KpiWindow _liveKpis = new();
    private long _kpiSeq;

    // The last sample the stored recent list holds (samples after it are in memory only until the next write).
    private long _recentStored;

    // Completions recorded in memory (TransferDone) and not stored yet: the clock stores them.
    private bool _completionsUnstored;

    private void LoadKpis()
    {
        _liveKpis = kpis.State.Copy();
        foreach (var sample in kpisRecent.State.Samples.Where(s => s.Seq > kpis.State.Folded))
        {
            _liveKpis.Record(sample);
        }

        _recentStored = kpisRecent.State.Samples.Select(s => s.Seq).DefaultIfEmpty(0).Max();
        _kpiSeq = Math.Max(kpis.State.Folded, _recentStored);
    }

    /// <summary>Stores the completions recorded since the last time, with the KPI samples they brought (the gate's clock).</summary>
    private async Task StoreCompletionsAsync()
    {
        if (!_completionsUnstored)
        {
            return;
        }

        _completionsUnstored = false;
        try
        {
            await Task.WhenAll(state.WriteStateAsync(), StoreKpisAsync());
        }
        catch
        {
            _completionsUnstored = true;
            throw;
        }
    }

    /// <summary>
    /// A completed trip, counted and shown at once; stored, with its KPI sample, by the next
    /// <see cref="StoreCompletionsAsync"/> (the gate's clock, or at once when the caller waits for it).
    /// </summary>
    private void CountCompleted(TripView view)
    {
        S.CompletedTotal++;
        AddKpiSample(view.WaitingTime, view.TurnTime, TimeProvider.GetUtcNow());
        _completionsUnstored = true;
    }

    /// <summary>A completed trip's times, shown at once and stored by the next <see cref="StoreKpisAsync"/>.</summary>
    private void AddKpiSample(TimeSpan? wait, TimeSpan? turn, DateTimeOffset at)
    {
        var sample = new KpiSample(++_kpiSeq, Seconds(wait), Seconds(turn), at);
        _liveKpis.Record(sample);
        var samples = kpisRecent.State.Samples;
        samples.RemoveAll(s => s.Seq <= kpis.State.Folded);
        samples.Add(sample);
    }

    /// <summary>
    /// Stores the samples not stored yet: beside the window, or, once there are <see cref="KpiFoldEvery"/>, folded into the
    /// window, which is then stored (the samples it holds are dropped with the next sample's write; loading skips samples
    /// the window holds already). A failed write puts what the KPIs show back to what storage holds.
    /// </summary>
    private async Task StoreKpisAsync()
    {
        var samples = kpisRecent.State.Samples;
        try
        {
            if (samples.Count < KpiFoldEvery)
            {
                var last = samples.Count > 0 ? samples[^1].Seq : 0;
                await kpisRecent.WriteStateAsync();
                _recentStored = Math.Max(_recentStored, last);
                return;
            }

            var unfolded = samples.Where(s => s.Seq > kpis.State.Folded).ToList();
            foreach (var folded in unfolded)
            {
                kpis.State.Record(folded);
            }

            kpis.State.Folded = unfolded.Count > 0 ? unfolded[^1].Seq : kpis.State.Folded;
            await kpis.WriteStateAsync();
        }
        catch
        {
            // Both states are back at what storage holds; samples not in the stored recent list are gone with them.
            kpisRecent.State.Samples.RemoveAll(s => s.Seq > _recentStored);
            LoadKpis();
            throw;
        }
    }

    /// <summary>Whole seconds: KPIs shown in minutes need no more.</summary>
    private static double? Seconds(TimeSpan? time) => time is { } t ? Math.Round(t.TotalSeconds) : null;
}
