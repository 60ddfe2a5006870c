using BorderGate.Contracts.Site;

namespace BorderGate.Devices.Tests.Support;

/// <summary>A small crossing: an entrance camera, six lanes of three devices, one crane, one driverless truck.</summary>
public static class TestSite
{
    public const string CrossingId = "test-crossing";

    public static SiteLayout Layout { get; } = new()
    {
        CrossingId = CrossingId,
        Name = "Test crossing",
        Entrance = new EntranceLayout("cam-entry", 50, new Point(0, 0)),
        Lanes = [.. Enumerable.Range(1, 6).Select(i => new LaneLayout(
            $"lane-{i}", LaneKind.General, LaneDirection.Export,
            new LaneDevices($"cam-lane-{i}", $"wb-lane-{i}", $"bar-lane-{i}"), new Point(10 * i, 0)))],
        InspectionBays = [],
        YardBlocks = [new YardBlockLayout("A", 2, 4, new Point(50, 100))],
        Cranes = [new CraneLayout("crane-1", "crc-1", 0, 100, 100, ["A"], 50)],
        Route = new RouteLayout(
            [new Waypoint("yard", new Point(0, 100)), new Waypoint("handoff", new Point(0, 300))],
            [new RouteSegment("s1", "yard", "handoff", 20), new RouteSegment("s2", "handoff", "yard", 20)],
            "yard",
            "handoff"),
        DriverlessTrucks = [new DriverlessTruckLayout("agv-1", "vc-1", "yard")],
        Policy = new DispatchPolicy { DeviceStaleAfter = TimeSpan.FromSeconds(15) },
    };
}
