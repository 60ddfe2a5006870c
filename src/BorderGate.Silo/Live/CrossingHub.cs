using BorderGate.Contracts.Live;
using Microsoft.AspNetCore.SignalR;

namespace BorderGate.Silo.Live;

/// <summary>
/// The control room's live view of the crossing over SignalR (<see cref="CrossingHubRoutes.Path"/>): a client calls
/// <see cref="Follow"/> and receives a snapshot, then every change in order (<see cref="ICrossingClient"/>); after a
/// reconnect it follows from the last sequence it saw. Each connection follows the crossing's durable feed on its own
/// subscription (<see cref="LiveFollowers"/>), so that a slow client slows only itself, and — the feed being a stream of
/// the grain runtime — a client on one silo sees the changes of grains on every silo of a cluster.
/// </summary>
internal sealed class CrossingHub(LiveFollowers followers) : Hub<ICrossingClient>
{
    /// <summary>
    /// Follows the crossing: with <paramref name="after"/> null, a snapshot and then the changes after it; with a sequence,
    /// the changes after it. Answers the sequence followed from. Calling it again starts over (the earlier follow ends).
    /// </summary>
    public Task<long> Follow(long? after) => followers.FollowAsync(Context.ConnectionId, after, Context.ConnectionAborted);

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        await followers.StopAsync(Context.ConnectionId).ConfigureAwait(false);
        await base.OnDisconnectedAsync(exception).ConfigureAwait(false);
    }
}
