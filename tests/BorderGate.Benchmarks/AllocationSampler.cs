using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace BorderGate.Benchmarks;

/// <summary>
/// What a stretch of code allocates, by type: the runtime's allocation ticks (one about every 100 KB allocated, naming the
/// type of the object that crossed the mark), summed by type while the sampler is on.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private volatile bool _on;

    public void Start() => _on = true;

    public void Stop() => _on = false;

    public IEnumerable<(string Type, double Share)> Top(int count)
    {
        var total = Math.Max(1, _bytes.Values.Sum());
        return _bytes.OrderByDescending(p => p.Value).Take(count).Select(p => (p.Key, (double)p.Value / total));
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_on || eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is null)
        {
            return;
        }

        var type = eventData.Payload![eventData.PayloadNames.IndexOf("TypeName")] as string ?? "?";
        var amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
        var amount = amountIndex >= 0 ? Convert.ToInt64(eventData.Payload[amountIndex], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }
}
