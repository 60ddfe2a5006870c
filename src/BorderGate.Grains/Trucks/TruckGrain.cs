using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using Microsoft.Extensions.Logging;

namespace BorderGate.Grains.Trucks;

/// <summary>
/// A truck (key: its normalized plate). It keeps the record of its trip: every transition with its
/// time, so that waiting and turn times are exact, and the trips before (the last <see cref="HistoryLimit"/>).
/// The gate and the lanes move it on; it refuses any step its trip cannot take. Every step, once stored,
/// is published on the crossing's feed (<see cref="CrossingEvent.StreamFor"/>).
/// </summary>
public sealed partial class TruckGrain(
    [PersistentState("truck")] IPersistentState<TruckState> state,
    ILogger<TruckGrain> logger) : Grain, ITruckGrain
{
    internal const int HistoryLimit = 50;

    public async Task<TripView> Register(string crossingId, TripRegistration trip, ArrivalWindow window)
    {
        ArgumentException.ThrowIfNullOrEmpty(crossingId);
        ArgumentNullException.ThrowIfNull(trip);
        var current = state.State.Current;
        if (current is not null && !TripRules.IsFinal(current.Status))
        {
            if (current.Trip.TripId == trip.TripId)
            {
                return current.ToView(); // the same registration again: idempotent
            }

            throw new InvalidTripTransitionException(
                $"Truck {GrainKey} already has trip {current.Trip.TripId} under way ({current.Status}); it cannot take trip {trip.TripId} before that one ends.");
        }

        Archive();
        var now = TimeProvider.GetUtcNow();
        state.State.Current = new TripRecord
        {
            Trip = trip,
            CrossingId = crossingId,
            Status = TruckStatus.Booked,
            Window = window,
            Events = [new TripEvent(TripEventNames.Booked, TruckStatus.Booked, now, $"window {window.Start:HH:mm}–{window.End:HH:mm}")],
        };
        await state.WriteStateAsync();
        LogRegistered(logger, GrainKey, trip.TripId);
        Publish(state.State.Current);
        return state.State.Current.ToView();
    }

    public Task<TripView> Advance(TripTransition transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        return AdvanceAll([transition]);
    }

    public async Task<TripView> AdvanceAll(IReadOnlyList<TripTransition> transitions)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        var trip = state.State.Current;
        if (trip is null)
        {
            throw new InvalidTripTransitionException(
                $"Truck {GrainKey} has no trip to move to {transitions.FirstOrDefault()?.To} ({transitions.FirstOrDefault()?.Event}).");
        }

        // Every step checked first (against the status the steps before it lead to): all are taken, or none.
        var status = trip.Status;
        foreach (var transition in transitions)
        {
            ArgumentNullException.ThrowIfNull(transition);
            if (!TripRules.CanMove(status, transition.To))
            {
                throw new InvalidTripTransitionException(
                    $"Truck {GrainKey} cannot go from {status} to {transition.To} ({transition.Event}) on trip {trip.Trip.TripId}.");
            }

            status = transition.To;
        }

        var now = TimeProvider.GetUtcNow();
        var first = trip.Events.Count;
        foreach (var transition in transitions)
        {
            Apply(trip, transition, now);
        }

        await state.WriteStateAsync();
        for (var i = first; i < trip.Events.Count; i++)
        {
            Publish(trip, trip.Events[i]);
            Diagnostics.TripTransitions.Add(1, new KeyValuePair<string, object?>(Diagnostics.TripStatusTag, trip.Events[i].Status.ToString()));
        }

        var view = trip.ToView();
        if (trip.Status == TruckStatus.Completed)
        {
            if (view.WaitingTime is { } wait)
            {
                Diagnostics.TripWait.Record(wait.TotalSeconds);
            }

            if (view.TurnTime is { } turn)
            {
                Diagnostics.TripTurn.Record(turn.TotalSeconds);
            }
        }

        return view;
    }

    private static void Apply(TripRecord trip, TripTransition transition, DateTimeOffset now)
    {
        if (transition.To == TruckStatus.Held)
        {
            trip.HeldFrom = trip.Status;
            trip.HeldReason = transition.Detail;
        }
        else if (trip.Status == TruckStatus.Held)
        {
            trip.HeldReason = null;
            trip.HeldFrom = null;
        }

        switch (transition.To)
        {
            case TruckStatus.Waiting:
                trip.ArrivedAt ??= now;
                trip.LaneId = null;
                break;
            case TruckStatus.Called:
                trip.FirstCalledAt ??= now;
                trip.LaneId = transition.LaneId;
                break;
            case TruckStatus.Completed:
                trip.CompletedAt = now;
                break;
        }

        trip.LaneId = transition.LaneId ?? trip.LaneId;
        trip.BayId = transition.BayId ?? trip.BayId;
        trip.Channel = transition.Channel ?? trip.Channel;
        trip.SlotId = transition.SlotId ?? trip.SlotId;
        trip.Status = transition.To;
        trip.Events.Add(new TripEvent(transition.Event, transition.To, now, transition.Detail));
    }

    public Task<TruckView> Get() =>
        Task.FromResult(new TruckView(GrainKey, state.State.Current?.ToView(), [.. state.State.History.Select(h => h.ToView())]));

    public Task<TripView?> Current() => Task.FromResult(state.State.Current?.ToView());

    /// <summary>
    /// Publishes the trip's last step (stored already) on its crossing's feed, in the order of the calls (after the truck's
    /// earlier steps, before whatever its caller does next), without the caller (the gate, a lane: busy with every truck)
    /// waiting for the feed's commit; a feed that cannot be written to is logged and counted.
    /// </summary>
    private void Publish(TripRecord trip) => Publish(trip, trip.Events[^1]);

    /// <summary>Publishes one step of the trip (as the trip stands after its last step: lane, bay, slot, channel).</summary>
    private void Publish(TripRecord trip, TripEvent last)
    {
        if (trip.CrossingId is not { } crossingId)
        {
            return; // a trip stored before trips knew their crossing
        }

        var moved = new TruckMoved(crossingId, last.At, GrainKey, trip.Trip.TripId, last.Name, last.Status, last.Detail, trip.LaneId, trip.BayId, trip.SlotId, trip.Channel);
        var plate = GrainKey;
        _ = CrossingFeed.PublishInOrderAsync(
            CrossingFeed.Of(GetStreamProvider(CrossingEvent.StreamProvider), crossingId),
            moved,
            failure => LogFeedFailed(logger, plate, last.Name, failure));
    }

    private void Archive()
    {
        if (state.State.Current is { } finished)
        {
            state.State.History.Insert(0, finished);
            if (state.State.History.Count > HistoryLimit)
            {
                state.State.History.RemoveRange(HistoryLimit, state.State.History.Count - HistoryLimit);
            }

            state.State.Current = null;
        }
    }

    [LoggerMessage(2002, LogLevel.Warning, "Truck {Plate}: step {Step} is stored but could not be published on the crossing feed")]
    private static partial void LogFeedFailed(ILogger logger, string plate, string step, Exception exception);

    [LoggerMessage(2001, LogLevel.Debug, "Truck {Plate} registered trip {TripId}")]
    private static partial void LogRegistered(ILogger logger, string plate, string tripId);
}
