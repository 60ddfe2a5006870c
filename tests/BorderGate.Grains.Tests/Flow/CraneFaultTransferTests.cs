using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using BorderGate.Contracts.Trips;
using BorderGate.Grains.Customs;
using BorderGate.TestSupport;

namespace BorderGate.Grains.Tests.Flow;

/// <summary>A faulted crane leaves the transfer's dispatch: new moves go to the crane that works, until it is back.</summary>
public sealed class CraneFaultTransferTests : IAsyncLifetime
{
    private static readonly SiteLayout s_layout = TestSites.Small(new DispatchPolicy { DeviceStaleAfter = TimeSpan.FromDays(1) }) with
    {
        Cranes =
        [
            new CraneLayout("crane-1", "ctl-crane-1", 280, 360, 0, ["A"], 1.5),
            new CraneLayout("crane-2", "ctl-crane-2", 280, 360, 0, ["A"], 1.5),
        ],
    };

    private readonly CrossingFixture _crossing = new(s_layout, new SimulatedCustomsChannels(yellowShare: 0, redShare: 0));

    public Task InitializeAsync() => _crossing.InitializeAsync();

    public Task DisposeAsync() => _crossing.DisposeAsync();

    private ITransferGrain Transfer => _crossing.Cluster.GrainFactory.GetGrain<ITransferGrain>(TestSites.CrossingId);

    private IDeviceGrain Device(string id) => _crossing.Cluster.GrainFactory.GetGrain<IDeviceGrain>(CrossingIds.Device(TestSites.CrossingId, id));

    private async Task HandOverAsync(string plate)
    {
        await _crossing.InTransferAsync(plate, $"TEST{plate[3..]}");

        await Transfer.Begin(plate);
        await Wait.WaitUntil(async () => !(await Transfer.Status()).Pending.Contains(plate), TimeSpan.FromSeconds(10), $"{plate} started");
    }

    private static async Task<List<string>> JobsOf(ICraneGrain crane)
    {
        var status = await crane.Status();
        return [.. status.Queue.Select(j => j.From.Id), .. status.Current is { } current ? [current.From.Id] : Array.Empty<string>()];
    }

    [Fact]
    public async Task FaultedCrane_GetsNoNewMoves_TheOtherTakesThemAll_UntilItIsBack()
    {
        foreach (var device in s_layout.Devices())
        {
            await Device(device.DeviceId).OnConnectionChanged(true, _crossing.Now);
        }

        await Device("ctl-crane-1").OnFault("hoist-fault", "hoist brake", _crossing.Now);
        var crane1 = _crossing.Cluster.GrainFactory.GetGrain<ICraneGrain>(CrossingIds.Crane(TestSites.CrossingId, "crane-1"));
        await Wait.WaitUntil(async () => (await crane1.Status()).Mode == CraneMode.Faulted, TimeSpan.FromSeconds(10), "crane-1 faulted");

        // Three trucks (one straight onto the vehicle, two into slots): every move is crane-2's.
        var plates = new[] { "29C50001", "29C50002", "29C50003" };
        foreach (var plate in plates)
        {
            await HandOverAsync(plate);
        }

        var crane2 = _crossing.Cluster.GrainFactory.GetGrain<ICraneGrain>(CrossingIds.Crane(TestSites.CrossingId, "crane-2"));
        Assert.Equal(plates.Order(), (await JobsOf(crane2)).Where(j => j.StartsWith("29C", StringComparison.Ordinal)).Order());
        Assert.Empty(await JobsOf(crane1));

        // Back: it takes moves again, first of all.
        await Device("ctl-crane-1").ClearFault();
        await Wait.WaitUntil(async () => (await crane1.Status()).Mode != CraneMode.Faulted, TimeSpan.FromSeconds(10), "crane-1 back");

        // The crane tells the transfer one-way; told here as well (it is idempotent), so that it has heard before the trucks come.
        await _crossing.Cluster.GrainFactory.GetGrain<ICraneJobObserver>(TestSites.CrossingId).OnCraneHealthChanged("crane-1", healthy: true, null);
        foreach (var plate in new[] { "29C50004", "29C50005" })
        {
            await HandOverAsync(plate);
        }

        // Crane-2 still has its three moves in hand: both new moves go to crane-1, which has none.
        Assert.Equal(["29C50004", "29C50005"], (await JobsOf(crane1)).Order());
    }
}
