using BorderGate.Contracts.Site;

namespace BorderGate.Grains.Transfer;

/// <summary>
/// The moves the transfer has given each crane and not yet heard done, so that work goes where it is done soonest: a
/// move goes to the able crane with the fewest moves in hand, and a free driverless truck takes, of the oldest containers
/// waiting in the yard, one that such a crane can reach (the oldest of those). By job id, so a job handed over twice (the
/// transfer repeats its steps after a restart) counts once; held in memory only: after a restart the counts start again
/// from what is given from then on, which only makes the first choices less even.
/// </summary>
internal sealed class CraneWork
{
    /// <summary>How many of the oldest waiting containers a free vehicle chooses among.</summary>
    internal const int Lookahead = 16;

    private readonly Dictionary<string, HashSet<string>> _inHand = new(StringComparer.Ordinal);

    public int InHand(string craneId) => _inHand.TryGetValue(craneId, out var jobs) ? jobs.Count : 0;

    public void Given(string craneId, string jobId)
    {
        if (!_inHand.TryGetValue(craneId, out var jobs))
        {
            _inHand[craneId] = jobs = new HashSet<string>(StringComparer.Ordinal);
        }

        jobs.Add(jobId);
    }

    public void Done(string craneId, string jobId)
    {
        if (_inHand.TryGetValue(craneId, out var jobs))
        {
            jobs.Remove(jobId);
        }
    }

    /// <summary>
    /// Of <paramref name="able"/> (not empty), the crane with the fewest moves in hand; among equals, the one
    /// <paramref name="turn"/> comes to (so that equal cranes take turns).
    /// </summary>
    public CraneLayout Least(IReadOnlyList<CraneLayout> able, long turn)
    {
        var fewest = able.Min(c => InHand(c.Id));
        var equal = able.Where(c => InHand(c.Id) == fewest).ToList();
        return equal[(int)(turn % equal.Count)];
    }

    /// <summary>
    /// Which of the first <see cref="Lookahead"/> waiting containers a free vehicle takes: the oldest of those whose block
    /// has a crane with the fewest moves in hand. <paramref name="cranesOf"/> gives the cranes able to serve a container.
    /// </summary>
    public int PickContainer<T>(IReadOnlyList<T> waiting, Func<T, IReadOnlyList<CraneLayout>> cranesOf)
    {
        var best = 0;
        var bestLoad = int.MaxValue;
        for (var i = 0; i < Math.Min(waiting.Count, Lookahead); i++)
        {
            var able = cranesOf(waiting[i]);
            var load = able.Count == 0 ? int.MaxValue - 1 : able.Min(c => InHand(c.Id));
            if (load < bestLoad)
            {
                best = i;
                bestLoad = load;
            }
        }

        return best;
    }
}
