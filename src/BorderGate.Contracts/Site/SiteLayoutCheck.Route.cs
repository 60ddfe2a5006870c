namespace BorderGate.Contracts.Site;

internal sealed partial class SiteLayoutCheck
{
    // Coordinates are rounded on the site plan; a segment may be a little shorter than the straight line.
    private const double LengthToleranceMetres = 1.0;

    /// <summary>Checks the route; returns the waypoints by id (the valid ones) for the vehicles' checks.</summary>
    private Dictionary<string, Waypoint> CheckRoute()
    {
        var waypoints = new Dictionary<string, Waypoint>(StringComparer.Ordinal);
        if (layout.Route is not { } route)
        {
            Problem("route is missing.");
            return waypoints;
        }

        var waypointList = route.Waypoints ?? [];
        UniqueIds("route.waypoints", waypointList, waypoint => waypoint.Id);
        foreach (var waypoint in waypointList)
        {
            if (waypoint?.Id is { } id)
            {
                waypoints.TryAdd(id, waypoint);
            }
        }

        var segments = route.Segments ?? [];
        UniqueIds("route.segments", segments, segment => segment.Id);
        var next = CheckSegments(segments, waypoints);

        var yard = CheckRouteEnd("route.yardWaypointId", route.YardWaypointId, waypoints);
        var handoff = CheckRouteEnd("route.handoffWaypointId", route.HandoffWaypointId, waypoints);
        if (yard is not null && handoff is not null)
        {
            if (yard == handoff)
            {
                Problem($"route.yardWaypointId and route.handoffWaypointId are both '{yard}': the route must lead somewhere.");
            }
            else
            {
                CheckReachable(next, yard, handoff, "out to the border");
                CheckReachable(next, handoff, yard, "back to the yard");
            }
        }

        return waypoints;
    }

    /// <summary>Checks each segment; returns the waypoints reachable in one segment from each waypoint.</summary>
    private Dictionary<string, List<string>> CheckSegments(IReadOnlyList<RouteSegment?> segments, Dictionary<string, Waypoint> waypoints)
    {
        var next = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var pairs = new Dictionary<(string, string), string>();
        for (var i = 0; i < segments.Count; i++)
        {
            if (segments[i] is not { } segment)
            {
                continue;
            }

            var name = $"route.segments[{i}] ({segment.Id})";
            var fromKnown = KnownWaypoint($"{name}.from", segment.From, waypoints);
            var toKnown = KnownWaypoint($"{name}.to", segment.To, waypoints);
            if (!(segment.LengthMetres > 0) || double.IsInfinity(segment.LengthMetres))
            {
                Problem($"{name}.lengthMetres must be positive; it is {Format(segment.LengthMetres)}.");
            }

            if (!fromKnown || !toKnown)
            {
                continue;
            }

            if (segment.From == segment.To)
            {
                Problem($"{name} goes from '{segment.From}' to itself.");
                continue;
            }

            if (pairs.TryGetValue((segment.From, segment.To), out var twin))
            {
                Problem($"{name} duplicates segment '{twin}' from '{segment.From}' to '{segment.To}': a vehicle could hold one while another holds the other.");
                continue;
            }

            pairs.Add((segment.From, segment.To), segment.Id);
            CheckLength(name, segment, waypoints);
            if (!next.TryGetValue(segment.From, out var targets))
            {
                next[segment.From] = targets = [];
            }

            targets.Add(segment.To);
        }

        return next;
    }

    // The live map moves vehicles along segments at their length; a segment shorter than the straight line
    // between its ends would make them jump.
    private void CheckLength(string name, RouteSegment segment, Dictionary<string, Waypoint> waypoints)
    {
        var from = waypoints[segment.From].Position;
        var to = waypoints[segment.To].Position;
        var straight = Math.Sqrt(((to.X - from.X) * (to.X - from.X)) + ((to.Y - from.Y) * (to.Y - from.Y)));
        if (segment.LengthMetres > 0 && segment.LengthMetres < straight - LengthToleranceMetres)
        {
            Problem($"{name}.lengthMetres ({Format(segment.LengthMetres)}) is shorter than the straight line between '{segment.From}' and '{segment.To}' ({Format(straight)} m).");
        }
    }

    private bool KnownWaypoint(string what, string? id, Dictionary<string, Waypoint> waypoints)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            Problem($"{what} is missing.");
            return false;
        }

        if (!waypoints.ContainsKey(id))
        {
            Problem($"{what} names '{id}', which is not a route waypoint.");
            return false;
        }

        return true;
    }

    private string? CheckRouteEnd(string what, string? id, Dictionary<string, Waypoint> waypoints) =>
        KnownWaypoint(what, id, waypoints) ? id : null;

    private void CheckReachable(Dictionary<string, List<string>> next, string from, string to, string purpose)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { from };
        var frontier = new Queue<string>([from]);
        while (frontier.TryDequeue(out var waypoint))
        {
            if (waypoint == to)
            {
                return;
            }

            foreach (var target in next.GetValueOrDefault(waypoint) ?? [])
            {
                if (seen.Add(target))
                {
                    frontier.Enqueue(target);
                }
            }
        }

        Problem($"The route is not connected {purpose}: no chain of segments leads from '{from}' to '{to}'.");
    }

    private void CheckDriverlessTrucks(Dictionary<string, Waypoint> waypoints)
    {
        var trucks = layout.DriverlessTrucks ?? [];
        UniqueIds("driverlessTrucks", trucks, truck => truck.Id);
        for (var i = 0; i < trucks.Count; i++)
        {
            if (trucks[i] is not { } truck)
            {
                continue;
            }

            var name = $"driverlessTrucks[{i}] ({truck.Id})";
            RegisterDevice($"{name}.controllerId", truck.ControllerId, $"the controller of {truck.Id}");
            KnownWaypoint($"{name}.homeWaypointId", truck.HomeWaypointId, waypoints);
        }
    }
}
