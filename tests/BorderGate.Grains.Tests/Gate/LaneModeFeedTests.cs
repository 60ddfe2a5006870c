using BorderGate.Contracts.Crossing;
using BorderGate.TestSupport;

namespace BorderGate.Grains.Tests.Gate;

/// <summary>A lane's mode on the crossing's feed: faulted and recovered, closed and opened, once per change.</summary>
public sealed class LaneModeFeedTests : IAsyncLifetime
{
    private readonly CrossingFixture _crossing = new();

    public Task InitializeAsync() => _crossing.InitializeAsync();

    public Task DisposeAsync() => _crossing.DisposeAsync();

    [Fact]
    public async Task EveryChangeOfMode_IsOnTheFeed_OnceEach()
    {
        var (changes, subscription) = await _crossing.CollectFeedAsync<LaneModeChanged>();
        await using var _ = subscription;
        var lane = (await _crossing.Gate.Snapshot()).Lanes[0].LaneId;

        await _crossing.Gate.LaneHealthChanged(lane, false, "plate camera stale");
        await _crossing.Gate.LaneHealthChanged(lane, false, "plate camera stale");
        await _crossing.Gate.LaneHealthChanged(lane, true, null);
        await _crossing.Gate.CloseLane(lane, "operator Lan", "kerb repair");
        await _crossing.Gate.OpenLane(lane, "operator Lan");

        await Wait.WaitUntil(() => { lock (changes) { return changes.Count >= 4; } }, TimeSpan.FromSeconds(10), "four changes on the feed");
        await Task.Delay(200);
        Assert.Equal(
            [(LaneMode.Faulted, "plate camera stale"), (LaneMode.Open, null), (LaneMode.Closed, "kerb repair (operator Lan)"), (LaneMode.Open, null)],
            changes.Select(c => (c.Mode, c.Reason)));
        Assert.All(changes, c => Assert.Equal(lane, c.LaneId));
    }
}
