using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using BorderGate.Actors.Streams;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Live;
using BorderGate.Contracts.Site;
using BorderGate.Silo.Api;
using Microsoft.AspNetCore.SignalR;

namespace BorderGate.Silo.Live;

/// <summary>
/// Drivers' phones following their truck (<see cref="DriverHub"/>). There may be thousands, each caring for one truck,
/// so they share one subscription to the crossing's feed per silo: a truck's own step reads its status once and sends it
/// to every phone that follows that truck (one message, written once for all). Every <see cref="Refresh"/> the trucks
/// that wait or are booked are read again (their place in the queue moves as others are called), and sent when changed.
/// </summary>
internal sealed partial class DriverFollowers : IAsyncDisposable
{
    /// <summary>How often a waiting truck's place in the queue is looked at again.</summary>
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Phone> _phones = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Truck> _trucks = new(StringComparer.Ordinal);
    private readonly IHubContext<DriverHub, IDriverClient> _hub;
    private readonly DriverStatuses _statuses;
    private readonly IEventLog _eventLog;
    private readonly IStreamProvider _streams;
    private readonly SiteLayout _site;
    private readonly TimeProvider _time;
    private readonly ILogger<DriverFollowers> _logger;
    private readonly Counter<long> _statusesSent;
    private readonly SemaphoreSlim _starting = new(1, 1);
    private StreamSubscriptionHandle? _subscription;
    private ITimer? _refresh;

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
        _streams = streams;
        _site = site;
        _time = time;
        _logger = logger;
        var meter = meters.Create(LiveFollowers.MeterName);
        meter.CreateObservableUpDownCounter("bordergate.live.drivers", () => _phones.Count, "{connection}", "Drivers' phones following their truck.");
        _statusesSent = meter.CreateCounter<long>("bordergate.live.driver_statuses.sent", "{message}", "Statuses sent to drivers' phones (one per truck and change).");
    }

    public async Task<DriverStatus> FollowAsync(string connectionId, string plate, string declaration, CancellationToken connectionAborted)
    {
        await EnsureFollowingFeedAsync(connectionAborted).ConfigureAwait(false);
        var status = await _statuses.ForDriverAsync(plate, declaration).ConfigureAwait(false)
            ?? throw new HubException(DriverStatuses.NotFound);
        await StopAsync(connectionId).ConfigureAwait(false);
        while (true)
        {
            var truck = _trucks.GetOrAdd(status.Plate, static p => new Truck(p));
            lock (truck)
            {
                // The last phone of this truck may have left meanwhile and taken the entry with it: start again on a new one.
                if (!_trucks.TryGetValue(status.Plate, out var current) || !ReferenceEquals(current, truck))
                {
                    continue;
                }

                truck.Phones.Add(connectionId);
                truck.Declarations.Add(declaration.Trim());
                truck.Last ??= status;
                break;
            }
        }

        _phones[connectionId] = new Phone(status.Plate, declaration.Trim());
        LogFollowing(_logger, connectionId, status.Plate);
        return status;
    }

    public Task StopAsync(string connectionId)
    {
        if (_phones.TryRemove(connectionId, out var phone) && _trucks.TryGetValue(phone.Plate, out var truck))
        {
            lock (truck)
            {
                truck.Phones.Remove(connectionId);
                if (truck.Phones.Count == 0)
                {
                    _trucks.TryRemove(new KeyValuePair<string, Truck>(phone.Plate, truck));
                }
            }
        }

        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _refresh?.Dispose();
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync().ConfigureAwait(false);
        }

        _starting.Dispose();
    }

    /// <summary>The silo's one subscription to the feed, from its end when the first phone follows (what came before is in each status read).</summary>
    private async Task EnsureFollowingFeedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _subscription) is not null)
        {
            return;
        }

        await _starting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_subscription is null)
            {
                var feed = CrossingEvent.StreamFor(_site.CrossingId);
                var from = await _eventLog.GetLastSequenceAsync(feed, cancellationToken).ConfigureAwait(false);
                _subscription = await _streams.GetStream<CrossingEvent>(feed).SubscribeAsync(OnFeedAsync, from, CancellationToken.None).ConfigureAwait(false);
                _refresh = _time.CreateTimer(static s => _ = ((DriverFollowers)s!).RefreshWaitingAsync(), this, Refresh, Refresh);
            }
        }
        finally
        {
            _starting.Release();
        }
    }

    private Task OnFeedAsync(StreamEvent<CrossingEvent> change, CancellationToken cancellationToken) =>
        change.Item is TruckMoved moved && _trucks.TryGetValue(moved.Plate, out var truck) ? SendIfChangedAsync(truck) : Task.CompletedTask;

    private async Task RefreshWaitingAsync()
    {
        foreach (var truck in _trucks.Values.Where(t => t.Last?.Status is TruckStatus.Waiting or TruckStatus.Booked).ToList())
        {
            await SendIfChangedAsync(truck).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the truck's status once per declaration its phones gave, and sends it to those phones if it changed.</summary>
    private async Task SendIfChangedAsync(Truck truck)
    {
        try
        {
            string[] declarations;
            lock (truck)
            {
                declarations = [.. truck.Declarations];
            }

            foreach (var declaration in declarations)
            {
                var now = await _statuses.ForDriverAsync(truck.Plate, declaration).ConfigureAwait(false);
                List<string> phones;
                lock (truck)
                {
                    if (now is null || now == truck.Last)
                    {
                        continue;
                    }

                    truck.Last = now;
                    phones = [.. truck.Phones.Where(p => _phones.TryGetValue(p, out var phone) && phone.Declaration == declaration)];
                }

                if (phones.Count > 0)
                {
                    await _hub.Clients.Clients(phones).Status(now).ConfigureAwait(false);
                    _statusesSent.Add(1);
                }
            }
        }
        catch (Exception exception)
        {
            // The next step of the truck, or the next refresh, tries again.
            LogSendFailed(_logger, exception, truck.Plate);
        }
    }

    [LoggerMessage(4203, LogLevel.Debug, "Hub connection {ConnectionId} follows truck {Plate}")]
    private static partial void LogFollowing(ILogger logger, string connectionId, string plate);

    [LoggerMessage(4204, LogLevel.Warning, "Truck {Plate}: its status could not be sent to its drivers' phones; tried again at its next step")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string plate);

    private sealed record Phone(string Plate, string Declaration);

    private sealed class Truck(string plate)
    {
        public string Plate { get; } = plate;

        public HashSet<string> Phones { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Declarations { get; } = new(StringComparer.Ordinal);

        public DriverStatus? Last { get; set; }
    }
}
