using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;

namespace BorderGate.Grains.Route;

/// <summary>The route's segment locks (key: crossing id). One activation decides, so no two vehicles ever share a segment.</summary>
public sealed class RouteGrain([PersistentState("route")] IPersistentState<SegmentLocks> state) : Grain, IRouteGrain
{
    public async Task<bool> Acquire(string segmentId, string vehicleId)
    {
        var granted = state.State.Acquire(segmentId, vehicleId);
        await state.WriteStateAsync();
        return granted;
    }

    public async Task Release(string segmentId, string vehicleId)
    {
        var next = state.State.Release(segmentId, vehicleId);
        await state.WriteStateAsync();
        await GrantedAsync(segmentId, next);
    }

    public async Task<bool> Advance(string vehicleId, string releaseSegment, string acquireSegment)
    {
        var next = state.State.Release(releaseSegment, vehicleId);
        var granted = state.State.Acquire(acquireSegment, vehicleId);
        await state.WriteStateAsync();
        await GrantedAsync(releaseSegment, next);
        return granted;
    }

    private async Task GrantedAsync(string segmentId, string? vehicleId)
    {
        if (vehicleId is not null)
        {
            await GrainFactory.GetGrain<IDriverlessTruckGrain>(CrossingIds.DriverlessTruck(GrainKey, vehicleId)).OnSegmentGranted(segmentId);
        }
    }

    public Task<RouteView> Status() => Task.FromResult(new RouteView(
        new Dictionary<string, string>(state.State.Holders),
        state.State.Waiting.ToDictionary(w => w.Key, w => (IReadOnlyList<string>)[.. w.Value])));
}
