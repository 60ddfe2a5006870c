using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Live;
using Microsoft.AspNetCore.SignalR;

namespace BorderGate.Silo.Live;

/// <summary>
/// A driver's phone, live (<see cref="DriverHubRoutes.Path"/>): <see cref="FollowTruck"/> with the truck's plate and its
/// trip's customs declaration number answers the status now, then sends it each time it changes (<see cref="IDriverClient"/>).
/// </summary>
internal sealed class DriverHub(DriverFollowers followers) : Hub<IDriverClient>
{
    public Task<DriverStatus> FollowTruck(string plate, string declaration) =>
        followers.FollowAsync(Context.ConnectionId, plate, declaration, Context.ConnectionAborted);

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        await followers.StopAsync(Context.ConnectionId).ConfigureAwait(false);
        await base.OnDisconnectedAsync(exception).ConfigureAwait(false);
    }
}
