using System.Diagnostics.Tracing;

namespace BorderGate.Benchmarks;

/// <summary>
/// Where the runtime's pauses go: for each collection while the probe is on, the time taken to stop the threads
/// (suspension) and the whole pause (suspension to restart), from the runtime's GC events.
/// </summary>
internal sealed class GcPauseProbe : EventListener
{
    private readonly List<(double SuspendMs, double PauseMs, int Generation)> _pauses = [];
    private DateTime _suspendBegin;
    private DateTime _suspendEnd;
    private int _generation;
    private volatile bool _on;

    public void Start()
    {
        lock (_pauses)
        {
            _pauses.Clear();
        }

        _on = true;
    }

    public void Stop() => _on = false;

    public string Summary()
    {
        lock (_pauses)
        {
            if (_pauses.Count == 0)
            {
                return "no pauses";
            }

            var suspend = _pauses.Select(p => p.SuspendMs).Order().ToArray();
            var byGeneration = _pauses.GroupBy(p => p.Generation).OrderBy(g => g.Key)
                .Select(g => $"gen {g.Key}: {g.Count()} × p50 {LoadLoops.Percentile([.. g.Select(p => p.PauseMs).Order()], 0.5):F1} max {g.Max(p => p.PauseMs):F1} ms");
            return $"{_pauses.Count} pauses, {string.Join(", ", byGeneration)}; " +
                $"suspending the threads p50 {LoadLoops.Percentile(suspend, 0.5):F2} max {suspend[^1]:F2} ms; " +
                $"whole pauses sum {_pauses.Sum(p => p.PauseMs):F0} ms";
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Informational, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_on || eventData.EventName is not { } name)
        {
            return;
        }

        if (name.StartsWith("GCSuspendEEBegin", StringComparison.Ordinal))
        {
            _suspendBegin = eventData.TimeStamp;
        }
        else if (name.StartsWith("GCSuspendEEEnd", StringComparison.Ordinal))
        {
            _suspendEnd = eventData.TimeStamp;
        }
        else if (name.StartsWith("GCStart", StringComparison.Ordinal) && eventData.PayloadNames is { } names)
        {
            _generation = Convert.ToInt32(eventData.Payload![names.IndexOf("Depth")], System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (name.StartsWith("GCRestartEEEnd", StringComparison.Ordinal) && _suspendBegin != default)
        {
            lock (_pauses)
            {
                _pauses.Add(((_suspendEnd - _suspendBegin).TotalMilliseconds, (eventData.TimeStamp - _suspendBegin).TotalMilliseconds, _generation));
            }

            _suspendBegin = default;
        }
    }
}
