using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using BorderGate.Grains.Site;
using Microsoft.Extensions.Logging;

namespace BorderGate.Grains.Gate;

/// <inheritdoc cref="IEntranceGrain"/>
/// <remarks>
/// The sightings are kept in memory until the gate has admitted them (the camera's events are one-way: nobody waits for
/// them, as before they had a grain of their own). The no-show sweep runs here because only the entrance knows which
/// sightings the gate has not admitted yet; its turn and the admission turns never overlap.
/// </remarks>
public sealed partial class EntranceGrain(CrossingSites sites, ILogger<EntranceGrain> logger) : Grain, IEntranceGrain
{
    /// <summary>How late an entrance camera's report of a sighting may reach the silo and still be judged by its own time.</summary>
    internal static readonly TimeSpan MaxSightingDelay = TimeSpan.FromMinutes(30);

    /// <summary>How many sightings one batch hands to the gate.</summary>
    internal const int MaxAdmittedPerBatch = 64;

    /// <summary>How often the no-show sweep looks (it asks the ledger only when a window's deadline passed).</summary>
    internal static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);

    private readonly List<EntranceSighting> _sightings = [];
    private SiteLayout _layout = null!;
    private IGrainTimer? _admit;
    private IGrainTimer? _sweep;
    private DateTimeOffset _sweptTo = DateTimeOffset.MinValue;

    private DispatchPolicy Policy => _layout.Policy;

    private IGateGrain Gate => GrainFactory.GetGrain<IGateGrain>(GrainKey);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _layout = sites.Get(GrainKey);
        _sweep = RegisterGrainTimer(OnSweepAsync, new GrainTimerOptions { DueTime = SweepEvery, Period = SweepEvery, KeepAlive = true });
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _sweep?.Dispose();
        _admit?.Dispose();
        while (_sightings.Count > 0)
        {
            var batch = _sightings.Take(MaxAdmittedPerBatch).ToList();
            _sightings.RemoveRange(0, batch.Count);
            await Gate.Admit(batch);
        }
    }

    public Task Wake() => Task.CompletedTask;

    public Task OnDeviceEvent(DeviceEvent deviceEvent)
    {
        ArgumentNullException.ThrowIfNull(deviceEvent);
        if (deviceEvent.IsFault)
        {
            LogEntranceCameraFault(logger, GrainKey, deviceEvent.DeviceId, deviceEvent.Name);
            return Task.CompletedTask;
        }

        if (deviceEvent.Name == "plate-read" && deviceEvent.Data.TryGetValue("plate", out var plate) && !string.IsNullOrWhiteSpace(plate))
        {
            _sightings.Add(new EntranceSighting(plate, SightingTime(deviceEvent.At, deviceEvent.ReceivedAt)));
            AdmitAfter(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// When the camera saw the truck, as the gate believes it: never later than the silo received the report, and a
    /// report that reached the silo more than <see cref="MaxSightingDelay"/> after the time it claims (a camera clock gone
    /// wrong) counts from its receipt. Measured against the receipt, not against when the gate gets to the sighting: a
    /// busy gate must not turn trucks seen in time into latecomers.
    /// </summary>
    private DateTimeOffset SightingTime(DateTimeOffset reported, DateTimeOffset? receivedAt)
    {
        var now = TimeProvider.GetUtcNow();
        var received = receivedAt is { } at && at <= now ? at : now;
        return reported > received || reported < received - MaxSightingDelay ? received : reported;
    }

    /// <summary>Hands the gathered sightings to the gate in a turn of the entrance's own, <paramref name="dueTime"/> from now, unless one is due already.</summary>
    private void AdmitAfter(TimeSpan dueTime) =>
        _admit ??= RunOnce(
            () =>
            {
                _admit = null;
                return AdmitBatchAsync();
            },
            dueTime);

    /// <summary>One batch, in the order seen; the next batch in a turn of its own (the sweep's turn may come between).</summary>
    private async Task AdmitBatchAsync()
    {
        if (_sightings.Count == 0)
        {
            return;
        }

        var batch = _sightings.Take(MaxAdmittedPerBatch).ToList();
        _sightings.RemoveRange(0, batch.Count);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await Gate.Admit(batch);
            Diagnostics.AdmissionDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Diagnostics.AdmissionSize.Record(batch.Count);
        }
        catch (Exception exception)
        {
            // Storage out, the gate unreachable: the sightings go back to the front and are tried again in a minute (what
            // the gate did of them is found done: a truck already queued is "already inside").
            LogAdmissionFailed(logger, GrainKey, batch.Count, exception);
            _sightings.InsertRange(0, batch);
            _admit?.Dispose();
            _admit = null;
            AdmitAfter(TimeSpan.FromMinutes(1));
            return;
        }

        if (_sightings.Count > 0)
        {
            AdmitAfter(TimeSpan.Zero);
        }
    }

    /// <summary>
    /// The no-show sweep: only the windows whose deadline passed before the oldest sighting the gate has not admitted yet
    /// was made, so a truck seen in time is never swept as a no-show because its sighting waits here. The ledger is asked
    /// only when a window's deadline passed since the last sweep.
    /// </summary>
    private async Task OnSweepAsync(CancellationToken cancellationToken)
    {
        var seenBefore = TimeProvider.GetUtcNow();
        foreach (var sighting in _sightings)
        {
            if (sighting.SeenAt < seenBefore)
            {
                seenBefore = sighting.SeenAt;
            }
        }

        if (!NoShowDeadlinePassed(_sweptTo, seenBefore))
        {
            return;
        }

        await GrainFactory.GetGrain<IBookingLedgerGrain>(GrainKey).ExpireNoShows(seenBefore);
        _sweptTo = seenBefore;
    }

    /// <summary>
    /// Whether a window's no-show deadline (window end plus <see cref="DispatchPolicy.NoShowAfter"/>; windows end on the
    /// arrival-window grid) lies in [<paramref name="from"/>, <paramref name="to"/>), or a whole window's length went by.
    /// </summary>
    private bool NoShowDeadlinePassed(DateTimeOffset from, DateTimeOffset to)
    {
        var window = Policy.ArrivalWindow.Ticks;
        if (from == DateTimeOffset.MinValue || to.UtcTicks - from.UtcTicks >= window)
        {
            return true;
        }

        var offset = Policy.NoShowAfter.Ticks + 1;
        return (to.UtcTicks - offset) / window > (from.UtcTicks - offset) / window;
    }

    [LoggerMessage(2111, LogLevel.Warning, "Entrance {Crossing}: {Count} sightings could not be admitted; tried again in a minute")]
    private static partial void LogAdmissionFailed(ILogger logger, string crossing, int count, Exception exception);

    [LoggerMessage(2104, LogLevel.Warning, "Entrance {Crossing}: camera {Device} reported {Fault}")]
    private static partial void LogEntranceCameraFault(ILogger logger, string crossing, string device, string fault);
}
