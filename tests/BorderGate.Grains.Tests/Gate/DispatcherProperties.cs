using BorderGate.Contracts.Site;
using BorderGate.Contracts.Trips;
using BorderGate.Grains.Gate;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BorderGate.Grains.Tests.Gate;

public sealed class DispatcherProperties
{
    private static readonly DateTimeOffset s_now = new(2026, 1, 20, 8, 0, 0, TimeSpan.Zero);

    private static Gen<Waiting> WaitingGen(int index) =>
        from cargo in Gen.Elements(Enum.GetValues<CargoKind>())
        from direction in Gen.Elements(TripDirection.Export, TripDirection.Import)
        from late in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        from futureMinutes in Gen.Frequency((5, Gen.Constant(0)), (1, Gen.Choose(1, 120)))
        select new Waiting($"P{index:000}", cargo, direction, s_now.AddMinutes(futureMinutes), late, index);

    private static Gen<FreeLane> LaneGen(int index) =>
        from kind in Gen.Elements(Enum.GetValues<LaneKind>())
        from direction in Gen.Elements(Enum.GetValues<LaneDirection>())
        select new FreeLane($"lane-{index}", kind, direction);

    private static Arbitrary<(List<FreeLane> Lanes, List<Waiting> Queue, bool ExportsAllowed)> Inputs() =>
        (from laneCount in Gen.Choose(0, 14)
         from queueCount in Gen.Choose(0, 60)
         from lanes in Gen.CollectToList(Enumerable.Range(0, laneCount), LaneGen)
         from queue in Gen.CollectToList(Enumerable.Range(0, queueCount), WaitingGen)
         from exports in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
         select (lanes.ToList(), queue.ToList(), exports)).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property Assignments_RespectLanesTrucksKindsDirectionsAndTime() =>
        Prop.ForAll(Inputs(), input =>
        {
            var run = 0;
            var assignments = Dispatcher.Assign(input.Lanes, input.Queue, s_now, new DispatchPolicy(), ref run, input.ExportsAllowed);
            var lanes = input.Lanes.ToDictionary(l => l.LaneId);
            var trucks = input.Queue.ToDictionary(q => q.Plate);
            return assignments.Select(a => a.LaneId).Distinct().Count() == assignments.Count
                && assignments.Select(a => a.Plate).Distinct().Count() == assignments.Count
                && assignments.All(a => Dispatcher.Fits(lanes[a.LaneId], trucks[a.Plate]))
                && assignments.All(a => trucks[a.Plate].EligibleAt <= s_now)
                && (input.ExportsAllowed || assignments.All(a => trucks[a.Plate].Direction != TripDirection.Export));
        });

    /// <summary>
    /// The dispatcher reads the queue only as far as each lane needs; it must choose exactly what the plain rule does
    /// over the whole sorted queue (the rule as first written, kept here as the reference), perishable runs included.
    /// </summary>
    [Property(MaxTest = 500)]
    public Property ReadingTheHeadOnly_ChoosesWhatTheWholeQueueRuleChooses() =>
        Prop.ForAll(Inputs(), Gen.Choose(0, 4).ToArbitrary(), (input, startRun) =>
        {
            var policy = new DispatchPolicy { MaxPerishablesInARow = 2 };
            var run = startRun;
            var expectedRun = startRun;
            var actual = Dispatcher.Assign(input.Lanes, input.Queue, s_now, policy, ref run, input.ExportsAllowed);
            var expected = ReferenceAssign(input.Lanes, input.Queue, policy, ref expectedRun, input.ExportsAllowed);
            return actual.SequenceEqual(expected) && run == expectedRun;
        });

    private static List<Assignment> ReferenceAssign(List<FreeLane> freeLanes, List<Waiting> queue, DispatchPolicy policy, ref int run, bool exportsAllowed)
    {
        var assignments = new List<Assignment>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var ordered = queue.Where(w => w.EligibleAt <= s_now && (exportsAllowed || w.Direction != TripDirection.Export)).OrderBy(w => w.Late).ThenBy(w => w.Order).ToList();
        foreach (var lane in freeLanes.OrderBy(l => l.Kind == LaneKind.General ? 1 : 0).ThenBy(l => l.LaneId, StringComparer.Ordinal))
        {
            var candidates = ordered.Where(w => !taken.Contains(w.Plate) && Dispatcher.Fits(lane, w)).ToList();
            if (candidates.Count == 0)
            {
                continue;
            }

            var first = candidates[0];
            var preferred = lane.Kind == LaneKind.Oversize ? candidates.FirstOrDefault(w => w.Cargo.IsOversize()) : null;
            var perishable = candidates.FirstOrDefault(w => w.Cargo.IsPerishable() && w.Late == first.Late);
            var other = candidates.FirstOrDefault(w => !w.Cargo.IsPerishable());
            var pick = preferred ?? (perishable is null ? first : run >= policy.MaxPerishablesInARow && other is not null ? other : perishable);
            taken.Add(pick.Plate);
            run = pick.Cargo.IsPerishable() ? run + 1 : 0;
            assignments.Add(new Assignment(lane.LaneId, pick.Plate));
        }

        return assignments;
    }

    [Property(MaxTest = 300)]
    public Property EveryFreeLane_TakesATruck_WhenAnEligibleOneFits() =>
        Prop.ForAll(Inputs(), input =>
        {
            var run = 0;
            var assignments = Dispatcher.Assign(input.Lanes, input.Queue, s_now, new DispatchPolicy(), ref run, exportsAllowed: true);
            var assignedPlates = assignments.Select(a => a.Plate).ToHashSet();
            var idleLanes = input.Lanes.Where(l => assignments.All(a => a.LaneId != l.LaneId));
            var leftOver = input.Queue.Where(q => q.EligibleAt <= s_now && !assignedPlates.Contains(q.Plate));
            return idleLanes.All(l => !leftOver.Any(q => Dispatcher.Fits(l, q)));
        });

    [Fact]
    public void Perishables_GoFirst_ButNeverMoreThanTheLimitInARow_WhileOthersWait()
    {
        var policy = new DispatchPolicy { MaxPerishablesInARow = 2 };
        var queue = new List<Waiting>();
        for (var i = 0; i < 10; i++)
        {
            queue.Add(new Waiting($"G{i}", CargoKind.Garments, TripDirection.Export, s_now, false, i));
        }

        for (var i = 0; i < 10; i++)
        {
            queue.Add(new Waiting($"F{i}", CargoKind.FreshFruit, TripDirection.Export, s_now, false, 100 + i));
        }

        var lane = new FreeLane("lane-1", LaneKind.Perishable, LaneDirection.Both);
        var run = 0;
        var order = new List<string>();
        while (queue.Count > 0)
        {
            var pick = Assert.Single(Dispatcher.Assign([lane], queue, s_now, policy, ref run, true));
            order.Add(pick.Plate);
            queue.RemoveAll(q => q.Plate == pick.Plate);
        }

        Assert.Equal(["F0", "F1", "G0", "F2", "F3", "G1", "F4", "F5", "G2"], order.Take(9));
        var longestPerishableRun = order.Aggregate((Max: 0, Run: 0), (acc, p) => p[0] == 'F' ? (Math.Max(acc.Max, acc.Run + 1), acc.Run + 1) : (acc.Max, 0)).Max;
        Assert.True(longestPerishableRun <= 2 || order.Skip(order.FindLastIndex(p => p[0] == 'G') + 1).All(p => p[0] == 'F'));
    }

    [Fact]
    public void OversizeCargo_OnlyOnOversizeLanes()
    {
        var run = 0;
        var queue = new List<Waiting> { new("M1", CargoKind.Machinery, TripDirection.Import, s_now, false, 1) };
        Assert.Empty(Dispatcher.Assign([new FreeLane("g", LaneKind.General, LaneDirection.Both)], queue, s_now, new DispatchPolicy(), ref run, true));
        Assert.Single(Dispatcher.Assign([new FreeLane("o", LaneKind.Oversize, LaneDirection.Both)], queue, s_now, new DispatchPolicy(), ref run, true));
    }
}
