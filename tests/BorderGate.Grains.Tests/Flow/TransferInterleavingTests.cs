using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;
using BorderGate.Grains.Customs;
using BorderGate.TestSupport;

namespace BorderGate.Grains.Tests.Flow;

/// <summary>The transfer's calls interleave: vehicles reporting free at once never share a yard container, nor take two.</summary>
public sealed class TransferInterleavingTests : IAsyncLifetime
{
    private static readonly SiteLayout s_layout = TestSites.Small(new DispatchPolicy { DeviceStaleAfter = TimeSpan.FromDays(1) }) with
    {
        DriverlessTrucks = [.. Enumerable.Range(1, 4).Select(i => new DriverlessTruckLayout($"agv-0{i}", $"ctl-agv-0{i}", "yard"))],
    };

    private readonly CrossingFixture _crossing = new(s_layout, new SimulatedCustomsChannels(yellowShare: 0, redShare: 0));

    public Task InitializeAsync() => _crossing.InitializeAsync();

    public Task DisposeAsync() => _crossing.DisposeAsync();

    private ITransferGrain Transfer => _crossing.Cluster.GrainFactory.GetGrain<ITransferGrain>(TestSites.CrossingId);

    [Fact]
    public async Task VehiclesFreeAtOnce_EachYardContainerGetsOneVehicle_EachVehicleOneContainer()
    {
        // Three containers wait in the yard and no vehicle is listed free (as an older gate could hand them over).
        string[] containers = ["TEST0000001", "TEST0000002", "TEST0000003"];
        await Transfer.Adopt(new TransferHandover([], [.. containers.Select((c, i) => new YardContainer(c, $"A-1-{i + 1}"))], new Dictionary<string, string>(), 0, 0));

        // All four vehicles say they are free at the same moment.
        await Task.WhenAll(s_layout.DriverlessTrucks.Select(v => Transfer.OnVehicleIdle(v.Id)));

        await Wait.WaitUntil(async () => (await Transfer.Status()).AwaitingVehicle.Count == 0, TimeSpan.FromSeconds(10), "every container has a vehicle");
        var crane = _crossing.Cluster.GrainFactory.GetGrain<ICraneGrain>(CrossingIds.Crane(TestSites.CrossingId, "crane-1"));
        await Wait.WaitUntil(async () => await JobCountAsync(crane) == containers.Length, TimeSpan.FromSeconds(10), "a crane job per container");
        var status = await crane.Status();
        var jobs = status.Queue.Concat(status.Current is { } current ? [current] : []).ToList();
        Assert.Equal(containers.Order(), jobs.Select(j => j.ContainerNumber).Order());
        Assert.Equal(jobs.Count, jobs.Select(j => j.To.Id).Distinct().Count());
        Assert.Single((await Transfer.Status()).IdleVehicles);
    }

    private static async Task<int> JobCountAsync(ICraneGrain crane)
    {
        var status = await crane.Status();
        return status.Queue.Count + (status.Current is null ? 0 : 1);
    }
}
