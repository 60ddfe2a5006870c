using BorderGate.Actors.Cluster;

namespace BorderGate.Actors.Tests.Runtime;

/// <summary>The grain location cache: bounded, keeps what is used, forgets what is not.</summary>
public sealed class RecentMapTests
{
    [Fact]
    public void ManyKeysEachSetOnce_AreHeldAtMostTwoGenerationsWorth()
    {
        var map = new RecentMap<int, string>(generationSize: 10);

        for (var i = 0; i < 1_000; i++)
        {
            map[i] = $"silo-{i % 3}";
        }

        Assert.InRange(map.Count, 10, 20);
        Assert.True(map.TryGetValue(999, out var last));
        Assert.Equal("silo-0", last);
        Assert.False(map.TryGetValue(0, out _));
    }

    [Fact]
    public void KeyReadEveryGeneration_IsNeverForgotten_OneNotReadIs()
    {
        var map = new RecentMap<string, string>(generationSize: 10);
        map["hot"] = "silo-a";
        map["cold"] = "silo-b";

        for (var i = 0; i < 500; i++)
        {
            map[$"grain-{i}"] = "silo-c";
            if (i % 5 == 0)
            {
                Assert.True(map.TryGetValue("hot", out var hot));
                Assert.Equal("silo-a", hot);
            }
        }

        Assert.True(map.TryGetValue("hot", out _));
        Assert.False(map.TryGetValue("cold", out _));
    }

    [Fact]
    public void NewValue_ReplacesTheOld_InWhicheverGenerationItWas_AndRemovalNeedsTheValue()
    {
        var map = new RecentMap<string, string>(generationSize: 4);
        map["gate"] = "silo-a";
        for (var i = 0; i < 4; i++)
        {
            map[$"lane-{i}"] = "silo-a"; // "gate" is in the previous generation now
        }

        map["gate"] = "silo-b";
        Assert.False(map.TryRemove(new KeyValuePair<string, string>("gate", "silo-a")));
        Assert.True(map.TryGetValue("gate", out var moved));
        Assert.Equal("silo-b", moved);

        Assert.True(map.TryRemove(new KeyValuePair<string, string>("gate", "silo-b")));
        Assert.False(map.TryGetValue("gate", out _));
        Assert.DoesNotContain(map, e => e.Key == "gate");
    }

    [Fact]
    public async Task ManyThreadsSettingAndReading_StayBounded()
    {
        var map = new RecentMap<int, int>(generationSize: 100);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 50_000; i++)
            {
                var key = (t * 50_000) + i;
                map[key] = key;
                if (map.TryGetValue(key, out var value))
                {
                    Assert.Equal(key, value);
                }
            }
        })));

        Assert.InRange(map.Count, 1, 200 + 4);
    }
}
