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
        Assert.True(await Route.Acquire("s1", "agv-01"));
        Assert.False(await Route.Acquire("s1", "agv-02"));
        Assert.True(await Route.Acquire("s1r", "agv-03"));

        // agv-01 leaves s1 (agv-02 gets it) and asks for s1r, held by agv-03: it waits in line.
        Assert.False(await Route.Advance("agv-01", "s1", "s1r"));
        var view = await Route.Status();
        Assert.Equal("agv-02", view.Holders["s1"]);
        Assert.Equal(["agv-01"], view.Waiting["s1r"]);

        await _crossing.Cluster.RestartAsync();
        Assert.False(await Route.Advance("agv-03", "s1r", "s1"));
        view = await Route.Status();
        Assert.Equal("agv-01", view.Holders["s1r"]);
        Assert.Equal("agv-02", view.Holders["s1"]);
        Assert.Equal(["agv-03"], view.Waiting["s1"]);
        Assert.False(view.Waiting.ContainsKey("s1r"));
    }
}
