using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;
using BorderGate.Contracts.Trips;

namespace BorderGate.Grains.Gate;

/// <summary>A free, open lane that can take a truck now.</summary>
public sealed record FreeLane(string LaneId, LaneKind Kind, LaneDirection Direction);

/// <summary>A waiting truck as dispatch sees it. <see cref="Order"/> is its place in arrival order.</summary>
public sealed record Waiting(string Plate, CargoKind Cargo, TripDirection Direction, DateTimeOffset EligibleAt, bool Late, long Order);

public sealed record Assignment(string LaneId, string Plate);

/// <summary>
/// Dispatch policy, as a pure function so that its invariants can be checked on any input:
/// first come first served, trucks on time before late ones, perishables first but never more than
/// <see cref="DispatchPolicy.MaxPerishablesInARow"/> in a row while another truck could go, a lane's
/// kind and direction respected, exports held back when the yard is near full.
/// </summary>
public static class Dispatcher
{
    public static IReadOnlyList<Assignment> Assign(
        IReadOnlyList<FreeLane> freeLanes,
        IReadOnlyList<Waiting> queue,
        DateTimeOffset now,
        DispatchPolicy policy,
        ref int perishablesInARow,
        bool exportsAllowed)
    {
        ArgumentNullException.ThrowIfNull(freeLanes);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(policy);
        var assignments = new List<Assignment>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var ordered = queue.Where(w => w.EligibleAt <= now && (exportsAllowed || w.Direction != TripDirection.Export))
            .OrderBy(w => w.Late)
            .ThenBy(w => w.Order)
            .ToList();

        // Specialised lanes first, so that a general lane does not take the truck only they could serve.
        foreach (var lane in freeLanes.OrderBy(l => l.Kind == LaneKind.General ? 1 : 0).ThenBy(l => l.LaneId, StringComparer.Ordinal))
        {
            var candidates = ordered.Where(w => !taken.Contains(w.Plate) && Fits(lane, w)).ToList();
            if (candidates.Count == 0)
            {
                continue;
            }

            var pick = Choose(lane, candidates, policy, perishablesInARow);
            taken.Add(pick.Plate);
            perishablesInARow = pick.Cargo.IsPerishable() ? perishablesInARow + 1 : 0;
            assignments.Add(new Assignment(lane.LaneId, pick.Plate));
        }

        return assignments;
    }

    /// <summary>Whether the lane may take the truck at all.</summary>
    public static bool Fits(FreeLane lane, Waiting truck)
    {
        var directionOk = lane.Direction == LaneDirection.Both
            || (lane.Direction == LaneDirection.Export && truck.Direction == TripDirection.Export)
            || (lane.Direction == LaneDirection.Import && truck.Direction == TripDirection.Import);

        // Oversize loads need the oversize lane's wider clearance and weighbridge.
        var kindOk = !truck.Cargo.IsOversize() || lane.Kind == LaneKind.Oversize;
        return directionOk && kindOk;
    }

    private static Waiting Choose(FreeLane lane, List<Waiting> candidates, DispatchPolicy policy, int perishablesInARow)
    {
        var first = candidates[0];
        var preferred = lane.Kind switch
        {
            LaneKind.Oversize => candidates.FirstOrDefault(w => w.Cargo.IsOversize()),
            _ => null,
        };
        if (preferred is not null)
        {
            return preferred;
        }

        var perishable = candidates.FirstOrDefault(w => w.Cargo.IsPerishable() && w.Late == first.Late);
        var other = candidates.FirstOrDefault(w => !w.Cargo.IsPerishable());
        if (perishable is null)
        {
            return first;
        }

        // Priority for perishables is bounded so that the others still move.
        return perishablesInARow >= policy.MaxPerishablesInARow && other is not null ? other : perishable;
    }
}
