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

public sealed class BookingWindowGrain([PersistentState("bookings")] IPersistentState<BookingWindowState> state) : Grain, IBookingWindowGrain
{
    public static string Key(string crossingId, ArrivalWindow window) =>
        $"{crossingId}/{window.Start.ToUnixTimeSeconds() / 60}";

    public async Task Add(BookedTrip trip)
    {
        ArgumentNullException.ThrowIfNull(trip);
        state.State.Trips[trip.Plate] = trip;
        await state.WriteStateAsync();
    }

    public async Task<BookedTrip?> Take(string plate) => (await TakeAll([plate])) is [var trip] ? trip : null;

    public async Task<IReadOnlyList<BookedTrip>> TakeAll(IReadOnlyList<string> plates)
    {
        ArgumentNullException.ThrowIfNull(plates);
        var taken = new List<BookedTrip>();
        foreach (var plate in plates)
        {
            if (state.State.Trips.Remove(plate, out var trip))
            {
                taken.Add(trip);
            }
        }

        if (taken.Count > 0)
        {
            await state.WriteStateAsync();
        }

        return taken;
    }

    public async Task<int> ExpireNoShows(DateTimeOffset deadline)
    {
        var lapsed = state.State.Trips.Values.ToList();
        foreach (var trip in lapsed)
        {
            var truck = GrainFactory.GetGrain<ITruckGrain>(CrossingIds.Truck(trip.Plate));
            var current = await truck.Current();
            if (current is { Status: TruckStatus.Booked } && current.Trip.TripId == trip.TripId)
            {
                await truck.Advance(new TripTransition(TruckStatus.NoShow, TripEventNames.NoShow, $"did not arrive by {deadline:HH:mm}"));
            }

            state.State.Trips.Remove(trip.Plate);
        }

        await state.WriteStateAsync();
        DeactivateOnIdle();
        return lapsed.Count;
    }
}
