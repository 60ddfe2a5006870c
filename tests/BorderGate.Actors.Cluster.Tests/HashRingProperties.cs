using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BorderGate.Actors.Cluster.Tests;

/// <summary>The reminders' ring: every hash has exactly one owner, the ranges say the same, and a leaving silo moves only its own.</summary>
public sealed class HashRingProperties
{
    private static readonly Gen<string[]> s_silos =
        from count in Gen.Choose(1, 7)
        from ports in Gen.ArrayOf(Gen.Choose(1024, 65535), count)
        from generations in Gen.ArrayOf(Gen.Choose(1, 1_000_000), count)
        select ports.Zip(generations, (port, generation) => $"10.0.0.{port % 250}:{port}@{generation}").Distinct().ToArray();

    private static readonly Gen<uint[]> s_hashes =
        Gen.ArrayOf(ArbMap.Default.GeneratorFor<uint>(), 64).Select(hashes => hashes.Concat([0u, 1u, uint.MaxValue]).ToArray());

    [Property(MaxTest = 300)]
    public Property EveryHash_HasExactlyOneOwner_AndTheOwnersRangesHoldIt() =>
        Prop.ForAll(s_silos.ToArbitrary(), s_hashes.ToArbitrary(), (silos, hashes) =>
        {
            var ring = new HashRing(silos);
            var ranges = silos.ToDictionary(s => s, ring.RangesOf);
            foreach (var hash in hashes)
            {
                var holders = silos.Where(s => ranges[s].Any(r => r.Contains(hash))).ToList();
                Assert.Single(holders);
                Assert.Equal(holders[0], ring.OwnerOf(hash));
            }

            // The ranges tile the ring: their shares add up to the whole.
            Assert.Equal(1.0, ranges.Values.SelectMany(r => r).Sum(r => r.Fraction), 9);
        });

    [Property(MaxTest = 300)]
    public Property SiloLeaving_MovesOnlyTheHashesItOwned() =>
        Prop.ForAll(s_silos.ToArbitrary(), s_hashes.ToArbitrary(), (silos, hashes) =>
        {
            if (silos.Length < 2)
            {
                return;
            }

            var before = new HashRing(silos);
            var after = new HashRing(silos.Skip(1));
            foreach (var hash in hashes)
            {
                var owner = before.OwnerOf(hash);
                Assert.Equal(owner == silos[0] ? after.OwnerOf(hash) : owner, after.OwnerOf(hash));
                Assert.NotEqual(silos[0], after.OwnerOf(hash));
            }
        });

    [Fact]
    public void OneSilo_OwnsTheWholeRing_AndNoSiloNothing()
    {
        Assert.Equal([RingRange.Whole], new HashRing(["10.0.0.1:11111@1"]).RangesOf("10.0.0.1:11111@1"));
        Assert.Empty(new HashRing(["10.0.0.1:11111@1"]).RangesOf("10.0.0.2:11111@1"));
        Assert.Null(new HashRing([]).OwnerOf(42));
        Assert.True(RingRange.Whole.Contains(0) && RingRange.Whole.Contains(uint.MaxValue));
    }

    /// <summary>Keys that differ only in their last characters (crane-1, crane-2 …) spread over the whole ring.</summary>
    [Fact]
    public void SequentialKeys_SpreadOverTheWholeRing()
    {
        var hashes = Enumerable.Range(0, 30).Select(i => new GrainId("alarm", $"crane-{i}").GetUniformHashCode()).ToList();

        // Each eighth of the ring holds some of 30 such keys (a clustered hash leaves most eighths empty).
        Assert.True(hashes.Select(h => h >> 29).Distinct().Count() >= 6, string.Join(", ", hashes.Select(h => h >> 29)));
    }

    /// <summary>Three silos on loopback, as a test cluster names them: each fires a fair share of the reminders.</summary>
    [Fact]
    public void ThreeSilos_ShareTheRingFairly()
    {
        var silos = new[] { "127.0.0.1:40101@1001", "127.0.0.1:40102@1002", "127.0.0.1:40103@1003" };
        var ring = new HashRing(silos);
        var grains = Enumerable.Range(0, 3000).Select(i => new GrainId("alarm", $"lane-{i}").GetUniformHashCode()).ToList();

        foreach (var silo in silos)
        {
            var share = ring.RangesOf(silo).Sum(r => r.Fraction);
            var owned = grains.Count(h => ring.OwnerOf(h) == silo);
            Assert.InRange(share, 0.15, 0.55);
            Assert.InRange(owned, 450, 1650);
        }
    }
}
