using System.Text;
using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Live;
using BorderGate.Contracts.Site;
using Microsoft.AspNetCore.SignalR;

namespace BorderGate.Silo.Live;

/// <summary>
/// Sends the moving equipment to every control room following the crossing on this silo (the hub group
/// <see cref="Group"/>), every <see cref="Interval"/> while one follows: the driverless trucks and who holds which route
/// segment, the cranes, and every <see cref="YardEvery"/>th time the yard's slots. Read once, written once for all.
/// </summary>
internal sealed partial class EquipmentTicker(IHubContext<CrossingHub, ICrossingClient> hub, IGrainFactory grains, SiteLayout site, TimeProvider time, ILogger<EquipmentTicker> logger)
    : IAsyncDisposable
{
    public const string Group = "crossing-equipment";

    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private const int YardEvery = 10;
    private readonly Lock _lock = new();
    private readonly string[] _slotOrder = [.. site.YardBlocks.SelectMany(b => b.SlotIds())];
    private int _followers;
    private int _ticks;
    private int _running;
    private ITimer? _timer;

    /// <summary>A control room began to follow: the ticker runs while any does.</summary>
    public void Joined()
    {
        lock (_lock)
        {
            _followers++;
            _timer ??= time.CreateTimer(static s => _ = ((EquipmentTicker)s!).TickAsync(), this, TimeSpan.Zero, Interval);
        }
    }

    public void Left()
    {
        lock (_lock)
        {
            if (--_followers <= 0)
            {
                _followers = 0;
                _timer?.Dispose();
                _timer = null;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }

        return ValueTask.CompletedTask;
    }

    private async Task TickAsync()
    {
        // One tick at a time: a slow read skips the ticks that fall due meanwhile.
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            return;
        }

        try
        {
            var route = grains.GetGrain<IRouteGrain>(site.CrossingId).Status();
            var vehicles = Task.WhenAll(site.DriverlessTrucks.Select(v => grains.GetGrain<IDriverlessTruckGrain>(CrossingIds.DriverlessTruck(site.CrossingId, v.Id)).Status()));
            var cranes = Task.WhenAll(site.Cranes.Select(c => grains.GetGrain<ICraneGrain>(CrossingIds.Crane(site.CrossingId, c.Id)).Status()));
            var yard = _ticks++ % YardEvery == 0 ? await YardSlotsAsync().ConfigureAwait(false) : null;
            var view = new EquipmentView(time.GetUtcNow(), await vehicles.ConfigureAwait(false), (await route.ConfigureAwait(false)).Holders, await cranes.ConfigureAwait(false), yard);
            await hub.Clients.Group(Group).Equipment(view).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            LogTickFailed(logger, exception);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task<string> YardSlotsAsync()
    {
        var snapshot = await grains.GetGrain<IYardGrain>(site.CrossingId).Snapshot().ConfigureAwait(false);
        var states = snapshot.Slots.ToDictionary(s => s.SlotId, s => s.State, StringComparer.Ordinal);
        var text = new StringBuilder(_slotOrder.Length);
        foreach (var slot in _slotOrder)
        {
            text.Append(states.GetValueOrDefault(slot) switch { SlotState.Reserved => 'R', SlotState.Occupied => 'O', _ => 'F' });
        }

        return text.ToString();
    }

    [LoggerMessage(4205, LogLevel.Warning, "The equipment could not be read for the control rooms; tried again at the next tick")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
