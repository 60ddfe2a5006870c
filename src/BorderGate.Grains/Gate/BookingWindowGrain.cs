using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;
using BorderGate.Contracts.Trips;

namespace BorderGate.Grains.Gate;

/// <summary>
/// The trips booked into one arrival window (key: "crossing/window-start-in-Unix-minutes"). Bookings live
/// here rather than in the gate, so that the gate's own state stays small however many trips are booked.
/// </summary>
public interface IBookingWindowGrain : IGrainWithStringKey
{
    /// <summary>Books the trip here. Runs beside the window's other calls (a whole window's declarations come at once); the adds share their writes.</summary>
    [AlwaysInterleave]
    Task Add(BookedTrip trip);

    /// <summary>Removes the plate's booking and returns it (null if it has none here).</summary>
    Task<BookedTrip?> Take(string plate);

    /// <summary>Removes the plates' bookings in one write and returns those it had.</summary>
    Task<IReadOnlyList<BookedTrip>> TakeAll(IReadOnlyList<string> plates);

    /// <summary>Marks every trip still booked here a no-show; returns how many.</summary>
    Task<int> ExpireNoShows(DateTimeOffset deadline);
}

public sealed record BookedTrip(string Plate, string TripId, ArrivalWindow Window, CargoKind Cargo, TripDirection Direction)
{
    /// <summary>The booking of <paramref name="trip"/> in <paramref name="window"/>.</summary>
    public static BookedTrip For(TripRegistration trip, ArrivalWindow window)
    {
        ArgumentNullException.ThrowIfNull(trip);
        return new(trip.Plate, trip.TripId, window, trip.Cargo, trip.Direction);
    }
}

public sealed class BookingWindowState
{
    public Dictionary<string, BookedTrip> Trips { get; set; } = new(StringComparer.Ordinal);
}

public sealed class BookingWindowGrain : Grain, IBookingWindowGrain
{
    private readonly IPersistentState<BookingWindowState> _state;
    private readonly GroupedWrites<BookingWindowState> _writes;

    public BookingWindowGrain([PersistentState("bookings")] IPersistentState<BookingWindowState> state)
    {
        _state = state;
        _writes = new GroupedWrites<BookingWindowState>(state);
    }

    public static string Key(string crossingId, ArrivalWindow window) =>
        $"{crossingId}/{window.Start.ToUnixTimeSeconds() / 60}";

    public async Task Add(BookedTrip trip)
    {
        ArgumentNullException.ThrowIfNull(trip);
        _state.State.Trips[trip.Plate] = trip;
        await _writes.WriteAsync();
    }

    public async Task<BookedTrip?> Take(string plate) => (await TakeAll([plate])) is [var trip] ? trip : null;

    public async Task<IReadOnlyList<BookedTrip>> TakeAll(IReadOnlyList<string> plates)
    {
        ArgumentNullException.ThrowIfNull(plates);
        var taken = new List<BookedTrip>();
        foreach (var plate in plates)
        {
            if (_state.State.Trips.Remove(plate, out var trip))
            {
                taken.Add(trip);
            }
        }

        if (taken.Count > 0)
        {
            await _writes.WriteAsync();
        }

        return taken;
    }

    public async Task<int> ExpireNoShows(DateTimeOffset deadline)
    {
        var lapsed = _state.State.Trips.Values.ToList();
        foreach (var trip in lapsed)
        {
            var truck = GrainFactory.GetGrain<ITruckGrain>(CrossingIds.Truck(trip.Plate));
            var current = await truck.Current();
            if (current is { Status: TruckStatus.Booked } && current.Trip.TripId == trip.TripId)
            {
                await truck.Advance(new TripTransition(TruckStatus.NoShow, TripEventNames.NoShow, $"did not arrive by {deadline:HH:mm}"));
            }

            _state.State.Trips.Remove(trip.Plate);
        }

        await _writes.WriteAsync();
        DeactivateOnIdle();
        return lapsed.Count;
    }
}
