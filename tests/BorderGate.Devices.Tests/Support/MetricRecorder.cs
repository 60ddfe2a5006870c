using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace BorderGate.Devices.Tests.Support;

/// <summary>Collects measurements of the named meters (optionally only those of one meter factory's scope).</summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, long Value, Dictionary<string, string?> Tags)> _measurements = new();

    public MetricRecorder(Func<Meter, bool> include)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (include(instrument.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var map = new Dictionary<string, string?>();
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value?.ToString();
            }

            _measurements.Enqueue((instrument.Name, value, map));
        });
        _listener.Start();
    }

    /// <summary>The sum of <paramref name="instrument"/> over measurements whose tags include all of <paramref name="tags"/>.</summary>
    public long Sum(string instrument, params (string Key, string Value)[] tags) =>
        _measurements
            .Where(m => m.Instrument == instrument && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && v == t.Value))
            .Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();
}
