using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Live;
using BorderGate.Silo.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace BorderGate.Silo.Live;

/// <summary>
/// A driver's phone, live (<see cref="DriverHubRoutes.Path"/>), signed in for one truck (<c>POST /api/auth/driver</c> with its
/// plate and its trip's declaration number): <see cref="Follow"/> answers the status now, then sends it each time it changes
/// (<see cref="IDriverClient"/>).
/// </summary>
[Authorize(Policy = Policies.Drivers)]
internal sealed class DriverHub(DriverFollowers followers) : Hub<IDriverClient>
{
    public Task<DriverStatus> Follow()
    {
        var (plate, declaration) = Context.User!.Driver()!.Value;
        return followers.FollowAsync(Context.ConnectionId, plate, declaration, Context.ConnectionAborted);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        await followers.StopAsync(Context.ConnectionId).ConfigureAwait(false);
        await base.OnDisconnectedAsync(exception).ConfigureAwait(false);
    }
}
