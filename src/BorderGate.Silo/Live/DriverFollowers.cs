using System.Diagnostics.Metrics;
using BorderGate.Actors.Streams;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Live;
using BorderGate.Contracts.Site;
using BorderGate.Silo.Api;
using Microsoft.AspNetCore.SignalR;

namespace BorderGate.Silo.Live;

/// <summary>
/// Drivers' phones following their truck (<see cref="DriverHub"/>): each on its own subscription to the crossing's feed,
/// sent the truck's status again when one of its own steps comes by, and every <see cref="Refresh"/> while it waits (its
/// place in the queue moves as others are called) — only when the status changed.
/// </summary>
internal sealed partial class DriverFollowers : IAsyncDisposable
{
    /// <summary>How often a waiting truck's place in the queue is looked at again.</summary>
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(10);

    private readonly FeedFollowers _followers;
    private readonly IHubContext<DriverHub, IDriverClient> _hub;
    private readonly DriverStatuses _statuses;
    private readonly IEventLog _eventLog;
    private readonly SiteLayout _site;
    private readonly ILogger<DriverFollowers> _logger;
    private readonly Counter<long> _statusesSent;

    public DriverFollowers(
        IHubContext<DriverHub, IDriverClient> hub,
        DriverStatuses statuses,
        IEventLog eventLog,
        [FromKeyedServices(CrossingEvent.StreamProvider)] IStreamProvider streams,
        SiteLayout site,
        TimeProvider time,
        IMeterFactory meters,
        ILogger<DriverFollowers> logger)
    {
        _hub = hub;
        _statuses = statuses;
        _eventLog = eventLog;
        _site = site;
        _logger = logger;
        _followers = new FeedFollowers(streams, site.CrossingId, time, logger);
        var meter = meters.Create(LiveFollowers.MeterName);
        meter.CreateObservableUpDownCounter("bordergate.live.drivers", () => _followers.Count, "{connection}", "Drivers' phones following their truck.");
        _statusesSent = meter.CreateCounter<long>("bordergate.live.driver_statuses.sent", "{message}", "Statuses sent to drivers' phones.");
    }

    public async Task<DriverStatus> FollowAsync(string connectionId, string plate, string declaration, CancellationToken connectionAborted)
    {
        // From the feed's end before the status is read: a step stored after the read comes by as an event.
        var from = await _eventLog.GetLastSequenceAsync(CrossingEvent.StreamFor(_site.CrossingId), connectionAborted).ConfigureAwait(false);
        var status = await _statuses.ForDriverAsync(plate, declaration).ConfigureAwait(false)
            ?? throw new HubException(DriverStatuses.NotFound);
        var client = _hub.Clients.Client(connectionId);
        var last = status;
        async Task SendIfChangedAsync(CancellationToken ct)
        {
            if (await _statuses.ForDriverAsync(plate, declaration).ConfigureAwait(false) is { } now && now != last)
            {
                last = now;
                await client.Status(now).WaitAsync(ct).ConfigureAwait(false);
                _statusesSent.Add(1);
            }
        }

        var plan = new FollowPlan(
            OnEvent: (e, ct) => e.Item is TruckMoved moved && moved.Plate == status.Plate ? SendIfChangedAsync(ct) : Task.CompletedTask,
            Tick: Refresh,
            OnTick: ct => last.Status is TruckStatus.Waiting or TruckStatus.Booked ? SendIfChangedAsync(ct) : Task.CompletedTask);
        await _followers.StartAsync(connectionId, from, plan, connectionAborted).ConfigureAwait(false);
        LogFollowing(_logger, connectionId, status.Plate);
        return status;
    }

    public Task StopAsync(string connectionId) => _followers.StopAsync(connectionId);

    public ValueTask DisposeAsync() => _followers.DisposeAsync();

    [LoggerMessage(4203, LogLevel.Debug, "Hub connection {ConnectionId} follows truck {Plate}")]
    private static partial void LogFollowing(ILogger logger, string connectionId, string plate);
}
