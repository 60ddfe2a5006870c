using BorderGate.Contracts.Site;

namespace BorderGate.Grains.Tests;

/// <summary>Small site layouts built in code for grain tests.</summary>
internal static class TestSites
{
    public const string CrossingId = "test-gate";

    public static SiteLayout Small(DispatchPolicy? policy = null, int lanes = 2) => new()
    {
        CrossingId = CrossingId,
        Name = "Test crossing",
        Entrance = new EntranceLayout("cam-entrance", 100, new Point(0, 0)),
        Lanes = [.. Enumerable.Range(1, lanes).Select(i => new LaneLayout(
            $"lane-{i}",
            i == lanes && lanes > 2 ? LaneKind.Oversize : LaneKind.General,
            LaneDirection.Both,
            new LaneDevices($"cam-lane-{i}", $"wb-lane-{i}", $"bar-lane-{i}"),
            new Point(100, i * 20)))],
        InspectionBays = [new InspectionBayLayout("bay-1", new Point(150, 0))],
        YardBlocks = [new YardBlockLayout("A", 2, 5, new Point(300, 0))],
        Cranes = [new CraneLayout("crane-1", "ctl-crane-1", 280, 360, 0, ["A"], 1.5)],
        Route = new RouteLayout(
            [new Waypoint("yard", new Point(400, 0)), new Waypoint("handoff", new Point(800, 0))],
            [new RouteSegment("s1", "yard", "handoff", 400), new RouteSegment("s1r", "handoff", "yard", 400)],
            "yard",
            "handoff"),
        DriverlessTrucks = [new DriverlessTruckLayout("agv-01", "ctl-agv-01", "yard")],
        Policy = policy ?? new DispatchPolicy(),
    };
}
