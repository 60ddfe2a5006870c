namespace BorderGate.Grains.Route;

/// <summary>
/// Who holds each route segment and who waits for it, as plain state (the route grain runs it one call at
/// a time; property tests run it on any sequence). A segment has at most one holder; waiters get it in
/// the order they asked.
/// </summary>
public sealed class SegmentLocks
{
    public Dictionary<string, string> Holders { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<string>> Waiting { get; set; } = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="vehicleId"/> holds the segment after the call; else it waits in line.</summary>
    public bool Acquire(string segmentId, string vehicleId)
    {
        if (!Holders.TryGetValue(segmentId, out var holder))
        {
            Holders[segmentId] = vehicleId;
            RemoveWaiter(segmentId, vehicleId);
            return true;
        }

        if (holder == vehicleId)
        {
            return true;
        }

        var line = Waiting.TryGetValue(segmentId, out var existing) ? existing : Waiting[segmentId] = [];
        if (!line.Contains(vehicleId))
        {
            line.Add(vehicleId);
        }

        return false;
    }

    /// <summary>Releases the segment; returns the vehicle that now holds it, if one was waiting.</summary>
    public string? Release(string segmentId, string vehicleId)
    {
        if (!Holders.TryGetValue(segmentId, out var holder) || holder != vehicleId)
        {
            RemoveWaiter(segmentId, vehicleId);
            return null;
        }

        Holders.Remove(segmentId);
        if (Waiting.TryGetValue(segmentId, out var line) && line.Count > 0)
        {
            var next = line[0];
            line.RemoveAt(0);
            if (line.Count == 0)
            {
                Waiting.Remove(segmentId);
            }

            Holders[segmentId] = next;
            return next;
        }

        return null;
    }

    private void RemoveWaiter(string segmentId, string vehicleId)
    {
        if (Waiting.TryGetValue(segmentId, out var line) && line.Remove(vehicleId) && line.Count == 0)
        {
            Waiting.Remove(segmentId);
        }
    }
}
