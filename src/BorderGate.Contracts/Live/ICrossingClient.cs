using BorderGate.Contracts.Crossing;

namespace BorderGate.Contracts.Live;

/// <summary>
/// What the crossing hub (<see cref="CrossingHubRoutes.Path"/>) sends a control-room client. After the client calls
/// <c>Follow(null)</c> it receives one <see cref="Snapshot"/> of the crossing, then every change after the snapshot's
/// sequence, in order, in batches (<see cref="Changed"/>: what came within a few milliseconds goes in one message, so
/// that thousands of changes a second cost a page tens of messages, not thousands). A client that lost its connection calls <c>Follow(lastSequence)</c> on its
/// new one and receives exactly the changes it missed, then the live ones: no snapshot, no gap, no duplicate.
/// A change may already show in the snapshot that precedes it (the snapshot is read while the crossing moves on); every
/// change says where things now are, so applying it again changes nothing.
/// </summary>
public interface ICrossingClient
{
    Task Snapshot(CrossingSnapshot snapshot);

    /// <summary>One or more changes, in the feed's order, each after the one before (the next batch continues this one).</summary>
    Task Changed(IReadOnlyList<CrossingChange> changes);

    /// <summary>The moving equipment as it is now (driverless trucks, route holders, cranes), ten times a second, and the yard's slots once a second.</summary>
    Task Equipment(EquipmentView equipment);
}

/// <summary>
/// Where the equipment is at <see cref="At"/>: positions are not changes of record (they are not on the feed), so the hub
/// sends them as they are, to every control room at once. <see cref="YardSlots"/>, when present, is one character per slot in
/// the layout's order (block by block, row by row, bay by bay): <c>F</c>ree, <c>R</c>eserved, <c>O</c>ccupied.
/// </summary>
public sealed record EquipmentView(DateTimeOffset At, IReadOnlyList<VehicleView> Vehicles, IReadOnlyDictionary<string, string> SegmentHolders, IReadOnlyList<CraneView> Cranes, string? YardSlots);

/// <summary>The crossing at the moment a client began to follow it: the changes that follow are those after <see cref="Sequence"/>.</summary>
public sealed record CrossingSnapshot(string CrossingId, long Sequence, DateTimeOffset At, GateView Gate, YardView Yard, IReadOnlyList<AlarmView> Alarms);

/// <summary>One change of the crossing's feed, with its sequence (the feed's order).</summary>
public sealed record CrossingChange(long Sequence, CrossingEvent Event);

/// <summary>Where the crossing hub is served, and what it is asked.</summary>
public static class CrossingHubRoutes
{
    public const string Path = "/hubs/crossing";

    /// <summary>The hub method a client calls to follow the crossing: <c>Follow(long? after)</c>, answering the sequence it follows from.</summary>
    public const string Follow = "Follow";
}

/// <summary>
/// What the drivers' hub (<see cref="DriverHubRoutes.Path"/>) sends a driver's phone, signed in for its truck, after
/// <c>Follow()</c>: the truck's status each time it changes (its own steps, and its place in the queue as others move).
/// </summary>
public interface IDriverClient
{
    Task Status(DriverStatus status);
}

/// <summary>Where the drivers' hub is served, and what it is asked.</summary>
public static class DriverHubRoutes
{
    public const string Path = "/hubs/driver";

    /// <summary>The hub method a driver's phone calls: <c>Follow()</c> (the truck its token was signed in for), answering the status now.</summary>
    public const string Follow = "Follow";
}
