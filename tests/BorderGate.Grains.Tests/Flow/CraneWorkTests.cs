using BorderGate.Contracts.Site;
using BorderGate.Grains.Transfer;

namespace BorderGate.Grains.Tests.Flow;

/// <summary>Work goes to the crane with the fewest moves in hand; a free vehicle takes a container such a crane reaches.</summary>
public sealed class CraneWorkTests
{
    private static readonly CraneLayout s_crane1 = new("crane-1", "ctl-1", 395, 565, 32.5, ["A", "B"], 1.5);
    private static readonly CraneLayout s_crane2 = new("crane-2", "ctl-2", 395, 565, 32.5, ["A", "B"], 1.5);
    private static readonly CraneLayout s_crane3 = new("crane-3", "ctl-3", 395, 565, 87.5, ["C"], 1.5);

    [Fact]
    public void Least_PicksTheCraneWithFewestMovesInHand_EqualsTakeTurns()
    {
        var work = new CraneWork();
        work.Given("crane-1", "j1");
        Assert.Equal("crane-2", work.Least([s_crane1, s_crane2], 0).Id);
        Assert.Equal("crane-2", work.Least([s_crane1, s_crane2], 1).Id);

        work.Given("crane-2", "j2");
        Assert.Equal("crane-1", work.Least([s_crane1, s_crane2], 0).Id);
        Assert.Equal("crane-2", work.Least([s_crane1, s_crane2], 1).Id);
    }

    [Fact]
    public void SameJobGivenTwice_CountsOnce_AndDoneTakesItOff()
    {
        var work = new CraneWork();
        work.Given("crane-1", "j1");
        work.Given("crane-1", "j1");
        Assert.Equal(1, work.InHand("crane-1"));

        work.Done("crane-1", "j1");
        work.Done("crane-1", "unknown");
        work.Done("crane-9", "j1");
        Assert.Equal(0, work.InHand("crane-1"));
    }

    [Fact]
    public void PickContainer_TheOldestThatAnIdleCraneReaches_WithinTheLookahead()
    {
        var work = new CraneWork();
        work.Given("crane-1", "j1");
        work.Given("crane-2", "j2");
        IReadOnlyList<CraneLayout> CranesOf(string block) => block == "C" ? [s_crane3] : [s_crane1, s_crane2];

        // A and B's cranes are busy, C's is free: the oldest container in C goes first.
        Assert.Equal(2, work.PickContainer(["A", "B", "C", "C"], CranesOf));

        // All equally busy: the oldest.
        work.Given("crane-3", "j3");
        Assert.Equal(0, work.PickContainer(["A", "B", "C"], CranesOf));

        // Beyond the lookahead the oldest is taken even though a free crane's container waits further back.
        work.Given("crane-3", "j4");
        work.Done("crane-1", "j1");
        var waiting = Enumerable.Repeat("C", CraneWork.Lookahead).Append("A").ToList();
        Assert.Equal(0, work.PickContainer(waiting, CranesOf));
        Assert.Equal(0, work.PickContainer(new List<string>(), CranesOf));
    }
}
