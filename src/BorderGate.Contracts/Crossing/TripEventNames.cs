namespace BorderGate.Contracts.Crossing;

/// <summary>
/// The names of a trip's steps (<see cref="TripEvent.Name"/>, <see cref="TruckMoved.Event"/>). They reach drivers,
/// companies and every watcher of the crossing feed, so they are a contract: producers and readers use these.
/// </summary>
public static class TripEventNames
{
    public const string Booked = "booked";
    public const string Arrived = "arrived";
    public const string NoShow = "no-show";
    public const string Called = "called";
    public const string ReturnedToQueue = "returned to queue";
    public const string PlateRead = "plate read";
    public const string Weighed = "weighed";
    public const string CustomsChannel = "customs channel";
    public const string DocumentsChecked = "documents checked";
    public const string QuarantinePassed = "quarantine passed";
    public const string BarrierOpened = "barrier opened";
    public const string LeftLane = "left lane";
    public const string ToInspection = "to inspection";
    public const string InspectionStarted = "inspection started";
    public const string InspectionPassed = "inspection passed";
    public const string HeldAtLane = "held at lane";
    public const string Held = "held";
    public const string Released = "released";
    public const string SlotReserved = "slot reserved";
    public const string ToDriverlessTruck = "to driverless truck";
    public const string Completed = "completed";
}
