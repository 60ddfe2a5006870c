using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;

namespace BorderGate.Grains.Route;

/// <summary>
/// The route's segment locks (key: crossing id). One activation decides, so no two vehicles ever share a segment. Every
/// vehicle of the fleet asks it at every segment end, so its calls interleave and share their writes: each call decides
/// at once (no await between reading and changing the locks) and answers once its decision is stored; a vehicle is told
/// of a grant only once the grant is stored.
/// </summary>
[Reentrant]
public sealed class RouteGrain : Grain, IRouteGrain
{
    private readonly IPersistentState<SegmentLocks> _state;
    private readonly GroupedWrites<SegmentLocks> _writes;

    public RouteGrain([PersistentState("route")] IPersistentState<SegmentLocks> state)
    {
        _state = state;
        _writes = new GroupedWrites<SegmentLocks>(state);
    }

    public async Task<bool> Acquire(string segmentId, string vehicleId)
    {
        var granted = _state.State.Acquire(segmentId, vehicleId);
        await _writes.WriteAsync();
        return granted;
    }

    public async Task Release(string segmentId, string vehicleId)
    {
        var next = _state.State.Release(segmentId, vehicleId);
        await _writes.WriteAsync();
        await GrantedAsync(segmentId, next);
    }

    public async Task<bool> Advance(string vehicleId, string releaseSegment, string acquireSegment)
    {
        var next = _state.State.Release(releaseSegment, vehicleId);
        var granted = _state.State.Acquire(acquireSegment, vehicleId);
        await _writes.WriteAsync();
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
        new Dictionary<string, string>(_state.State.Holders),
        _state.State.Waiting.ToDictionary(w => w.Key, w => (IReadOnlyList<string>)[.. w.Value])));
}
