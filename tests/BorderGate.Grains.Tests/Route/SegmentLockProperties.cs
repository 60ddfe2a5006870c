using BorderGate.Grains.Route;
using BorderGate.Grains.Vehicles;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BorderGate.Grains.Tests.Route;

public sealed class SegmentLockProperties
{
    /// <summary>(acquire or release, segment, vehicle) steps over 4 segments and 5 vehicles.</summary>
    private static Arbitrary<(bool Acquire, int Segment, int Vehicle)[]> Steps() =>
        Gen.ArrayOf(
            from acquire in Gen.Elements(true, false)
            from segment in Gen.Choose(0, 3)
            from vehicle in Gen.Choose(0, 4)
            select (acquire, segment, vehicle),
            200).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property NeverTwoVehiclesInASegment_WaitersServedInOrder() =>
        Prop.ForAll(Steps(), steps =>
        {
            var locks = new SegmentLocks();
            var model = new Dictionary<string, Queue<string>>();
            foreach (var (acquire, s, v) in steps)
            {
                var segment = $"s{s}";
                var vehicle = $"v{v}";
                if (acquire)
                {
                    var granted = locks.Acquire(segment, vehicle);
                    if (granted != (locks.Holders.GetValueOrDefault(segment) == vehicle))
                    {
                        return false;
                    }
                }
                else
                {
                    var waitersBefore = locks.Waiting.TryGetValue(segment, out var line) ? [.. line] : new List<string>();
                    var wasHolder = locks.Holders.GetValueOrDefault(segment) == vehicle;
                    var next = locks.Release(segment, vehicle);
                    if (wasHolder && next != waitersBefore.FirstOrDefault())
                    {
                        return false;
                    }
                }

                // One holder per segment by construction of the map; no holder also waits for the same segment.
                if (locks.Waiting.Any(w => w.Value.Contains(locks.Holders.GetValueOrDefault(w.Key) ?? "")
                    || w.Value.Distinct().Count() != w.Value.Count))
                {
                    return false;
                }
            }

            return true;
        });

    [Fact]
    public void Planner_FindsTheRoute_BothWays_AndRefusesAnUnreachableWaypoint()
    {
        var route = TestSites.Small().Route;
        Assert.Equal(["s1"], RoutePlanner.Path(route, "yard", "handoff"));
        Assert.Equal(["s1r"], RoutePlanner.Path(route, "handoff", "yard"));
        Assert.Empty(RoutePlanner.Path(route, "yard", "yard"));
        Assert.Throws<InvalidOperationException>(() => RoutePlanner.Path(route, "yard", "nowhere"));
    }
}
