using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;
using BorderGate.Grains.Site;
using Microsoft.Extensions.Logging;

namespace BorderGate.Grains.Gate;

/// <summary>What the ledger stores: the counts per window for choosing windows, and how many are booked.</summary>
public sealed class BookingLedgerState
{
    /// <summary>Trips booked and not yet come (the bookings themselves live in the windows' grains).</summary>
    public int BookedCount { get; set; }

    /// <summary>Trips booked per arrival window (key: window start, Unix minutes).</summary>
    public Dictionary<long, int> WindowLoad { get; set; } = [];

    /// <summary>Whether a gate's older counts were taken over (done once).</summary>
    public bool AdoptedFromGate { get; set; }
}

/// <inheritdoc cref="IBookingLedgerGrain"/>
/// <remarks>
/// Every declaration of the day books here, so its calls interleave and share their writes: each call changes the
/// counts at once (no await between choosing a window and counting it) and answers once the change is stored.
/// </remarks>
[Reentrant]
public sealed partial class BookingLedgerGrain : Grain, IBookingLedgerGrain
{
    private readonly IPersistentState<BookingLedgerState> _state;
    private readonly GroupedWrites<BookingLedgerState> _writes;
    private readonly CrossingSites _sites;
    private readonly ILogger<BookingLedgerGrain> _logger;
    private SiteLayout _layout = null!;

    public BookingLedgerGrain(
        [PersistentState("booking-ledger")] IPersistentState<BookingLedgerState> state,
        CrossingSites sites,
        ILogger<BookingLedgerGrain> logger)
    {
        _state = state;
        _sites = sites;
        _logger = logger;
        _writes = new GroupedWrites<BookingLedgerState>(state);
    }

    private BookingLedgerState S => _state.State;

    private DispatchPolicy Policy => _layout.Policy;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _layout = _sites.Get(GrainKey);
        return Task.CompletedTask;
    }

    public async Task<ArrivalWindow> Book(TripRegistration trip)
    {
        ArgumentNullException.ThrowIfNull(trip);
        var window = ChooseWindow(trip.DesiredArrival ?? TimeProvider.GetUtcNow());
        var minute = Minute(window);
        S.WindowLoad[minute] = S.WindowLoad.GetValueOrDefault(minute) + 1;
        S.BookedCount++;

        // Counted first, booked second: a crash in between costs the window a place, never overfills it.
        await _writes.WriteAsync();
        await Window(window).Add(BookedTrip.For(trip, window));
        return window;
    }

    public async Task Rebook(TripRegistration trip, ArrivalWindow window)
    {
        ArgumentNullException.ThrowIfNull(trip);
        ArgumentNullException.ThrowIfNull(window);
        S.BookedCount++;
        await _writes.WriteAsync();
        await Window(window).Add(BookedTrip.For(trip, window));
    }

    public async Task Taken(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        S.BookedCount = Math.Max(0, S.BookedCount - count);
        await _writes.WriteAsync();
    }

    public Task<int> BookedCount() => Task.FromResult(S.BookedCount);

    public async Task Adopt(int bookedCount, IReadOnlyDictionary<long, int> windowLoad)
    {
        ArgumentNullException.ThrowIfNull(windowLoad);
        if (S.AdoptedFromGate)
        {
            return;
        }

        foreach (var (minute, load) in windowLoad)
        {
            S.WindowLoad[minute] = S.WindowLoad.GetValueOrDefault(minute) + load;
        }

        S.BookedCount += bookedCount;
        S.AdoptedFromGate = true;
        await _writes.WriteAsync();
        LogAdopted(_logger, GrainKey, bookedCount, windowLoad.Count);
    }

    /// <summary>
    /// The first window at or after the desired time that still has room and whose no-show deadline has not passed (a
    /// window past it is being, or has been, swept: a trip booked into it would lapse at once).
    /// </summary>
    private ArrivalWindow ChooseWindow(DateTimeOffset desired)
    {
        var length = Policy.ArrivalWindow;
        var now = TimeProvider.GetUtcNow();
        var earliest = now - length - Policy.NoShowAfter;
        var from = desired < earliest ? earliest : desired;
        var startTicks = from.UtcTicks - (from.UtcTicks % length.Ticks);
        for (var i = 0; i < 24 * 14 * 4; i++)
        {
            var start = new DateTimeOffset(startTicks + (i * length.Ticks), TimeSpan.Zero);
            if (start + length + Policy.NoShowAfter < now)
            {
                continue;
            }

            if (S.WindowLoad.GetValueOrDefault(start.ToUnixTimeSeconds() / 60) < Policy.TripsPerWindow)
            {
                return new ArrivalWindow(start, start + length);
            }
        }

        throw new InvalidOperationException($"Crossing {GrainKey} has no free arrival window in the next weeks.");
    }

    /// <summary>Windows whose no-show deadline passed: what is still booked in them lapses.</summary>
    public async Task ExpireNoShows(DateTimeOffset seenBefore)
    {
        var now = TimeProvider.GetUtcNow();
        if (seenBefore < now)
        {
            now = seenBefore;
        }

        foreach (var minute in S.WindowLoad.Keys.Order().ToList())
        {
            var start = DateTimeOffset.FromUnixTimeSeconds(minute * 60);
            var window = new ArrivalWindow(start, start + Policy.ArrivalWindow);
            var deadline = window.End + Policy.NoShowAfter;
            if (deadline >= now)
            {
                break;
            }

            var lapsed = await Window(window).ExpireNoShows(deadline);
            S.WindowLoad.Remove(minute);
            S.BookedCount = Math.Max(0, S.BookedCount - lapsed);
            await _writes.WriteAsync();
        }
    }

    private static long Minute(ArrivalWindow window) => window.Start.ToUnixTimeSeconds() / 60;

    private IBookingWindowGrain Window(ArrivalWindow window) => GrainFactory.GetGrain<IBookingWindowGrain>(BookingWindowGrain.Key(GrainKey, window));

    [LoggerMessage(2120, LogLevel.Information, "Booking ledger {Crossing}: took over {Booked} booked trips over {Windows} windows from the gate's older state")]
    private static partial void LogAdopted(ILogger logger, string crossing, int booked, int windows);
}
