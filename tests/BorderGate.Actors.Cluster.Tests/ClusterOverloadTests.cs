using BorderGate.ClusterTestHost;
using BorderGate.TestSupport;

namespace BorderGate.Actors.Cluster.Tests;

/// <summary>
/// A silo over its limit of calls at once sheds the excess to the callers on another silo, and stays in the cluster. Silo
/// b (index 1) runs one call from other silos at a time; a visit writes to PostgreSQL, so it takes a while.
/// </summary>
public sealed class ClusterOverloadTests() : ThreeSiloTests("cluster_overload", i => i == 1 ? o => o.MaxConcurrentCalls = 1 : null)
{
    /// <summary>
    /// 200 visits at once from silo a to grains living on silo b (a knowing where they are): those past b's limit fail at once with
    /// <see cref="SiloOverloadedException"/> naming b — not re-routed, not waited on as if b were dead — and the rest are
    /// served by b; b stays active in everyone's view, and every grain still answers from b afterwards, having counted
    /// only the visits that ran.
    /// </summary>
    [Fact]
    public async Task CallsOverASilosLimit_AreShedToTheCaller_NotRerouted_AndTheSiloStaysInTheCluster()
    {
        var (a, b) = (Silos[0], Silos[1]);
        var keys = Enumerable.Range(0, 200).Select(i => $"gate-{i}").ToArray();
        foreach (var key in keys)
        {
            // Activated on b (placed on its caller's silo), then found by a in the directory: a's burst below goes out at
            // once, with no lookup to spread it.
            Assert.Equal(b.Name, (await b.Grains.GetGrain<IVisitGrain>(key).Visit("b")).Silo);
            Assert.Equal(b.Name, (await a.Grains.GetGrain<IVisitGrain>(key).Visit("a")).Silo);
        }

        var outcomes = await Task.WhenAll(keys.Select(async key =>
        {
            try
            {
                return (Key: key, Answer: await a.Grains.GetGrain<IVisitGrain>(key).Visit("a"), Error: (Exception?)null);
            }
            catch (Exception e)
            {
                return (Key: key, Answer: (VisitAnswer?)null, Error: e);
            }
        }));

        var shed = outcomes.Where(o => o.Error is not null).ToList();
        Assert.NotEmpty(shed);
        Assert.All(shed, o => Assert.Equal(b.Name, Assert.IsType<SiloOverloadedException>(o.Error).Silo));
        Assert.All(outcomes.Where(o => o.Error is null), o => Assert.Equal(new VisitAnswer(b.Name, 3, o.Key), o.Answer));
        Assert.All(Silos, s => Assert.Contains(b.Runtime.Cluster!.Self, s.Runtime.Cluster!.Agent.ActiveSilos()));

        // Nothing ran for a shed call: its grain counted the two visits before, and counts this one as its third.
        foreach (var (key, _, _) in shed)
        {
            Assert.Equal(new VisitAnswer(b.Name, 3, key), await a.Grains.GetGrain<IVisitGrain>(key).Visit("a again"));
        }

        Assert.Equal(200, Log.Activations);
    }
}
