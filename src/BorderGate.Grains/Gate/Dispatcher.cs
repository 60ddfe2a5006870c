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
        ArgumentNullException.ThrowIfNull(queue);
        return AssignInOrder(freeLanes, queue.OrderBy(w => w.Late).ThenBy(w => w.Order), now, policy, ref perishablesInARow, exportsAllowed);
    }

    /// <summary>
    /// <see cref="Assign"/> for a queue already in dispatch order (on time before late, then arrival order), read only
    /// as far as each lane's choice needs: with thousands waiting, a dispatch looks at the head of the queue.
    /// </summary>
    /// <param name="oversizeInDispatchOrder">
    /// The oversize loads of the same queue in the same order, if the caller keeps them apart: an oversize lane looks
    /// for one there instead of reading the whole queue (null: they are picked out of <paramref name="inDispatchOrder"/>).
    /// </param>
    public static IReadOnlyList<Assignment> AssignInOrder(
        IReadOnlyList<FreeLane> freeLanes,
        IEnumerable<Waiting> inDispatchOrder,
        DateTimeOffset now,
        DispatchPolicy policy,
        ref int perishablesInARow,
        bool exportsAllowed,
        IEnumerable<Waiting>? oversizeInDispatchOrder = null)
    {
        ArgumentNullException.ThrowIfNull(freeLanes);
        ArgumentNullException.ThrowIfNull(inDispatchOrder);
        ArgumentNullException.ThrowIfNull(policy);
        var assignments = new List<Assignment>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        bool IsEligible(Waiting w) => w.EligibleAt <= now && (exportsAllowed || w.Direction != TripDirection.Export);
        using var eligible = new ReadAhead(inDispatchOrder.Where(IsEligible));
        using var oversize = new ReadAhead((oversizeInDispatchOrder ?? inDispatchOrder.Where(w => w.Cargo.IsOversize())).Where(IsEligible));

        // Specialised lanes first, so that a general lane does not take the truck only they could serve.
        foreach (var lane in freeLanes.OrderBy(l => l.Kind == LaneKind.General ? 1 : 0).ThenBy(l => l.LaneId, StringComparer.Ordinal))
        {
            if (!exportsAllowed && lane.Direction == LaneDirection.Export)
            {
                // Only exports fit it, and none may go: nothing to read.
                continue;
            }

            // An oversize lane takes the first oversize load there is; else (and any other lane) by the rule below.
            var pick = (lane.Kind == LaneKind.Oversize ? FirstFitting(lane, oversize, taken) : null)
                ?? Choose(lane, eligible, taken, policy, perishablesInARow);
            if (pick is null)
            {
                continue;
            }

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

    /// <summary>The first truck of <paramref name="queue"/> not yet taken that fits the lane.</summary>
    private static Waiting? FirstFitting(FreeLane lane, ReadAhead queue, HashSet<string> taken)
    {
        for (var i = 0; queue.TryGet(i, out var truck); i++)
        {
            if (!taken.Contains(truck.Plate) && Fits(lane, truck))
            {
                return truck;
            }
        }

        return null;
    }

    /// <summary>
    /// The lane's pick among the trucks not yet taken that fit it, in order (an oversize lane's preference for an
    /// oversize load is settled before): the first truck, or the first perishable of the same lateness unless
    /// <see cref="DispatchPolicy.MaxPerishablesInARow"/> went in a row and a non-perishable could go.
    /// </summary>
    private static Waiting? Choose(FreeLane lane, ReadAhead queue, HashSet<string> taken, DispatchPolicy policy, int perishablesInARow)
    {
        var othersMustGo = perishablesInARow >= policy.MaxPerishablesInARow;
        Waiting? first = null, perishable = null, other = null;
        var perishableSettled = false;
        for (var i = 0; queue.TryGet(i, out var truck); i++)
        {
            if (taken.Contains(truck.Plate) || !Fits(lane, truck))
            {
                continue;
            }

            first ??= truck;
            if (!perishableSettled)
            {
                if (truck.Late != first.Late)
                {
                    // The queue is on time before late: no perishable of the first truck's lateness is left.
                    perishableSettled = true;
                }
                else if (truck.Cargo.IsPerishable())
                {
                    perishable = truck;
                    perishableSettled = true;
                }
            }

            if (other is null && !truck.Cargo.IsPerishable())
            {
                other = truck;
            }

            if (perishableSettled && (other is not null || !othersMustGo))
            {
                break;
            }
        }

        if (first is null || perishable is null)
        {
            return first;
        }

        // Priority for perishables is bounded so that the others still move.
        return othersMustGo && other is not null ? other : perishable;
    }

    /// <summary>A sequence read once, as far as asked, and remembered for the next lane.</summary>
    private sealed class ReadAhead(IEnumerable<Waiting> source) : IDisposable
    {
        private readonly IEnumerator<Waiting> _source = source.GetEnumerator();
        private readonly List<Waiting> _read = [];
        private bool _ended;

        public bool TryGet(int index, out Waiting truck)
        {
            while (index >= _read.Count && !_ended)
            {
                if (_source.MoveNext())
                {
                    _read.Add(_source.Current);
                }
                else
                {
                    _ended = true;
                }
            }

            truck = index < _read.Count ? _read[index] : null!;
            return index < _read.Count;
        }

        public void Dispose() => _source.Dispose();
    }
}
