using BorderGate.Contracts.Site;

namespace BorderGate.Grains.Vehicles;

/// <summary>Shortest path in segments between two waypoints of a route (breadth-first: segments are few).</summary>
public static class RoutePlanner
{
    public static IReadOnlyList<string> Path(RouteLayout route, string from, string to)
    {
        ArgumentNullException.ThrowIfNull(route);
        if (from == to)
        {
            return [];
        }

        var previous = new Dictionary<string, RouteSegment>(StringComparer.Ordinal);
        var frontier = new Queue<string>([from]);
        var seen = new HashSet<string>(StringComparer.Ordinal) { from };
        while (frontier.Count > 0)
        {
            var at = frontier.Dequeue();
            foreach (var segment in route.Segments.Where(s => s.From == at && seen.Add(s.To)))
            {
                previous[segment.To] = segment;
                if (segment.To == to)
                {
                    var path = new List<string>();
                    for (var node = to; node != from; node = previous[node].From)
                    {
                        path.Insert(0, previous[node].Id);
                    }

                    return path;
                }

                frontier.Enqueue(segment.To);
            }
        }

        throw new InvalidOperationException($"The route has no way from waypoint '{from}' to '{to}'.");
    }
}
