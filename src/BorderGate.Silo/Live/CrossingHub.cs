using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Live;
using BorderGate.Contracts.Site;
using BorderGate.Silo.Api;
using BorderGate.Silo.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace BorderGate.Silo.Live;

/// <summary>
/// The control room's live view of the crossing over SignalR (<see cref="CrossingHubRoutes.Path"/>): a client calls
/// <see cref="Follow"/> and receives a snapshot, then every change in order (<see cref="ICrossingClient"/>); after a
/// reconnect it follows from the last sequence it saw. Each connection follows the crossing's durable feed on its own
/// subscription (<see cref="LiveFollowers"/>), so that a slow client slows only itself, and — the feed being a stream of
/// the grain runtime — a client on one silo sees the changes of grains on every silo of a cluster. Operators act through
/// it too (open and close lanes, hold and release trucks, acknowledge alarms, dispatch); what they do comes back as
/// changes like any other. Operators and supervisors only (<see cref="Policies.Operators"/>); returning equipment to service,
/// supervisors only.
/// </summary>
[Authorize(Policy = Policies.Operators)]
internal sealed class CrossingHub(LiveFollowers followers, EquipmentTicker equipment, IGrainFactory grains, SiteLayout site, ILogger<CrossingHub> logger) : Hub<ICrossingClient>
{
    /// <summary>
    /// Follows the crossing: with <paramref name="after"/> null, a snapshot and then the changes after it; with a sequence,
    /// the changes after it. Answers the sequence followed from. Calling it again starts over (the earlier follow ends).
    /// </summary>
    public async Task<long> Follow(long? after)
    {
        var from = await followers.FollowAsync(Context.ConnectionId, after, Context.ConnectionAborted).ConfigureAwait(false);
        if (!Context.Items.ContainsKey(EquipmentTicker.Group))
        {
            // The equipment's positions too, for as long as this connection lasts.
            await Groups.AddToGroupAsync(Context.ConnectionId, EquipmentTicker.Group, Context.ConnectionAborted).ConfigureAwait(false);
            Context.Items[EquipmentTicker.Group] = true;
            equipment.Joined();
        }

        return from;
    }

    /// <summary>Opens a lane to dispatch again.</summary>
    public Task OpenLane(string laneId)
    {
        EnsureKnownLane(laneId);
        return Gate().OpenLane(laneId, Operator);
    }

    /// <summary>Closes a lane to new trucks (the one in it finishes its checks).</summary>
    public Task CloseLane(string laneId, string? reason)
    {
        EnsureKnownLane(laneId);
        return Gate().CloseLane(laneId, Operator, string.IsNullOrWhiteSpace(reason) ? "closed by operator" : reason.Trim());
    }

    /// <summary>Holds a truck (taken out of the queue, or stopped where it is) with a reason its driver sees.</summary>
    public Task HoldTruck(string plate, string? reason) =>
        Refused(() => Gate().HoldTruck(TrucksApi.Normalize(plate), Operator, string.IsNullOrWhiteSpace(reason) ? "held by operator" : reason.Trim()));

    /// <summary>Releases a held truck back to the queue.</summary>
    public Task ReleaseTruck(string plate) => Refused(() => Gate().ReleaseTruck(TrucksApi.Normalize(plate), Operator));

    /// <summary>Acknowledges an alarm (it leaves the open list; acknowledging it again changes nothing).</summary>
    public Task AcknowledgeAlarm(string alarmId) => Refused(() => grains.GetGrain<IAlarmBookGrain>(site.CrossingId).Acknowledge(alarmId, Operator));

    /// <summary>Runs dispatch now (the gate also does on every change).</summary>
    public Task Dispatch() => Gate().Dispatch();

    /// <summary>Returns faulted equipment to service once it was checked (supervisors): its device rejoins dispatch.</summary>
    [Authorize(Policy = Policies.Supervisors)]
    public async Task ClearFault(string deviceId)
    {
        if (!await CrossingApi.ReturnToServiceAsync(grains, site, deviceId, Operator, "from the control room's map", logger).ConfigureAwait(false))
        {
            throw new HubException($"Crossing {site.CrossingId} has no device '{deviceId}'.");
        }
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.Remove(EquipmentTicker.Group))
        {
            equipment.Left();
        }

        await followers.StopAsync(Context.ConnectionId).ConfigureAwait(false);
        await base.OnDisconnectedAsync(exception).ConfigureAwait(false);
    }

    /// <summary>Who acts: the signed-in operator.</summary>
    private string Operator => Context.User!.Actor();

    private IGateGrain Gate() => grains.GetGrain<IGateGrain>(site.CrossingId);

    private void EnsureKnownLane(string laneId)
    {
        if (!site.Lanes.Any(l => l.Id == laneId))
        {
            throw new HubException($"Crossing {site.CrossingId} has no lane '{laneId}'.");
        }
    }

    /// <summary>Runs an operator's action; what the crossing refuses (a transition the truck's state does not allow, an unknown alarm) goes back as a hub error saying why.</summary>
    private static async Task Refused(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (Exception refused) when (refused is InvalidTripTransitionException or UnknownAlarmException)
        {
            throw new HubException(refused.Message);
        }
    }
}
