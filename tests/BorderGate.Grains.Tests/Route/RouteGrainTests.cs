using BorderGate.Contracts.Crossing;

namespace BorderGate.Grains.Tests.Route;

public sealed class RouteGrainTests : IAsyncLifetime
{
    private readonly CrossingFixture _crossing = new();

    public Task InitializeAsync() => _crossing.InitializeAsync();

    public Task DisposeAsync() => _crossing.DisposeAsync();

    private IRouteGrain Route => _crossing.Cluster.GrainFactory.GetGrain<IRouteGrain>(TestSites.CrossingId);

    [Fact]
    public async Task Advance_ReleasesToTheVehicleWaiting_AndTakesTheNextSegment_InOneStep_ThatSurvivesARestart()
    {
        // Vehicles the test site does not have: the route's word to them goes nowhere, so none of them acts on it.
        Assert.True(await Route.Acquire("s1", "agv-11"));
        Assert.False(await Route.Acquire("s1", "agv-12"));
        Assert.True(await Route.Acquire("s1r", "agv-13"));

        // agv-11 leaves s1 (agv-12 gets it) and asks for s1r, held by agv-13: it waits in line.
        Assert.False(await Route.Advance("agv-11", "s1", "s1r"));
        var view = await Route.Status();
        Assert.Equal("agv-12", view.Holders["s1"]);
        Assert.Equal(["agv-11"], view.Waiting["s1r"]);

        await _crossing.Cluster.RestartAsync();
        Assert.False(await Route.Advance("agv-13", "s1r", "s1"));
        view = await Route.Status();
        Assert.Equal("agv-11", view.Holders["s1r"]);
        Assert.Equal("agv-12", view.Holders["s1"]);
        Assert.Equal(["agv-13"], view.Waiting["s1"]);
        Assert.False(view.Waiting.ContainsKey("s1r"));
    }
}
