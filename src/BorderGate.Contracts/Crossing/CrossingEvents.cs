using System.Text.Json.Serialization;
using BorderGate.Actors.Streams;
using BorderGate.Contracts.Trips;

namespace BorderGate.Contracts.Crossing;

/// <summary>
/// Something that happened at a crossing, published on the crossing's feed (<see cref="StreamFor"/>): one
/// durable stream per crossing whose sequence numbers order every change, so that a watcher (the control
/// room, a driver's phone, the simulation) starts from a snapshot and follows the changes in order, and
/// resumes after a reconnect from the last sequence it saw without a gap. JSON carries the kind in
/// <c>type</c>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TruckMoved), TruckMoved.TypeName)]
[JsonDerivedType(typeof(ContainerCrossed), ContainerCrossed.TypeName)]
[JsonDerivedType(typeof(LaneModeChanged), LaneModeChanged.TypeName)]
[JsonDerivedType(typeof(AlarmChanged), AlarmChanged.TypeName)]
public abstract record CrossingEvent(string CrossingId, DateTimeOffset At)
{
    /// <summary>The stream provider feeds are published on: the runtime's default one, over its durable event log.</summary>
    public const string StreamProvider = "Default";

    /// <summary>The stream namespace of crossing feeds.</summary>
    public const string StreamNamespace = "crossing";

    /// <summary>The feed of a crossing: namespace "crossing", key the crossing id.</summary>
    public static StreamId StreamFor(string crossingId) => new(StreamNamespace, crossingId);
}

/// <summary>A driverless truck handed a container over to the partner side at the border (stored before it is published).</summary>
public sealed record ContainerCrossed(string CrossingId, DateTimeOffset At, string VehicleId, string ContainerNumber) : CrossingEvent(CrossingId, At)
{
    public const string TypeName = "container-crossed";
}

/// <summary>
/// A truck's trip moved on (<see cref="Event"/> is one of <see cref="TripEventNames"/>: "booked", "arrived", "called",
/// "plate read", "weighed", "left lane", ...), with where the truck is now.
/// </summary>
public sealed record TruckMoved(
    string CrossingId,
    DateTimeOffset At,
    string Plate,
    string TripId,
    string Event,
    TruckStatus Status,
    string? Detail,
    string? LaneId,
    string? BayId,
    string? SlotId,
    CustomsChannel? Channel) : CrossingEvent(CrossingId, At)
{
    public const string TypeName = "truck";
}

/// <summary>
/// A lane was opened or closed by an operator, or left dispatch because a device faulted (or came back when it recovered):
/// <see cref="Mode"/> is where it now is, <see cref="Reason"/> why (stored by the gate before it is published).
/// </summary>
public sealed record LaneModeChanged(string CrossingId, DateTimeOffset At, string LaneId, LaneMode Mode, string? Reason) : CrossingEvent(CrossingId, At)
{
    public const string TypeName = "lane";
}
