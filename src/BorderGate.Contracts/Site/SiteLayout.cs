namespace BorderGate.Contracts.Site;

/// <summary>
/// A crossing's physical layout: configuration, not code (deploy/sites/*.json). Every grain of the
/// crossing reads its part from here; the live map draws it (coordinates in metres on the site plan).
/// </summary>
public sealed record SiteLayout
{
    /// <summary>The crossing's id, the key of its gate grain ("huu-nghi").</summary>
    public required string CrossingId { get; init; }

    public required string Name { get; init; }

    /// <summary>IANA time zone of the crossing (arrival windows, hourly throughput).</summary>
    public string TimeZone { get; init; } = "Asia/Ho_Chi_Minh";

    public required EntranceLayout Entrance { get; init; }

    public required IReadOnlyList<LaneLayout> Lanes { get; init; }

    /// <summary>Physical inspection bays for trucks on the red customs channel.</summary>
    public required IReadOnlyList<InspectionBayLayout> InspectionBays { get; init; }

    public required IReadOnlyList<YardBlockLayout> YardBlocks { get; init; }

    public required IReadOnlyList<CraneLayout> Cranes { get; init; }

    public required RouteLayout Route { get; init; }

    public required IReadOnlyList<DriverlessTruckLayout> DriverlessTrucks { get; init; }

    public required DispatchPolicy Policy { get; init; }

    /// <summary>How long the checkpoints take at this site; a layout without the section gets the defaults.</summary>
    public CheckpointTimings Timings { get; init; } = new();
}

/// <summary>The entrance: the plate camera that registers arrivals and the waiting area's capacity.</summary>
public sealed record EntranceLayout(string PlateCameraId, int WaitingAreaCapacity, Point Position);

/// <summary>
/// A checkpoint lane: one truck at a time through plate read, weighbridge, customs, quarantine, barrier.
/// </summary>
public sealed record LaneLayout(
    string Id,
    LaneKind Kind,
    LaneDirection Direction,
    LaneDevices Devices,
    Point Position);

/// <summary>The device ids on a lane (their device grains' keys).</summary>
public sealed record LaneDevices(string PlateCameraId, string WeighbridgeId, string BarrierId);

public enum LaneKind
{
    /// <summary>Any cargo.</summary>
    General,

    /// <summary>Fresh fruit and farm produce first (cold chain, quarantine desk on the lane); others when idle.</summary>
    Perishable,

    /// <summary>Oversize loads (cars, machinery).</summary>
    Oversize,
}

public enum LaneDirection
{
    Export,
    Import,
    Both,
}

public sealed record InspectionBayLayout(string Id, Point Position);

/// <summary>
/// A yard block: rows × bays of container slots, served by the cranes that list it. <see cref="Position"/> is the block's
/// centre; its bays run along x, <see cref="BayPitchMetres"/> apart (a 20-ft container and its gap), along the rail of the
/// cranes that serve it.
/// </summary>
public sealed record YardBlockLayout(string Id, int Rows, int Bays, Point Position)
{
    /// <summary>The distance between neighbouring bays' centres.</summary>
    public const double BayPitchMetres = 6.5;

    /// <summary>Where bay <paramref name="bay"/> (1-based) stands along the crane rail.</summary>
    public double BayX(int bay) => Position.X + ((bay - ((Bays + 1) / 2.0)) * BayPitchMetres);

    /// <summary>Where the slot stands along the crane rail (its bay's x).</summary>
    public double SlotX(string slotId) =>
        BayX(int.Parse(slotId.AsSpan(slotId.LastIndexOf('-') + 1), System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The slot ids of the block ("A-01-03": block, row, bay), row-major.</summary>
    public IEnumerable<string> SlotIds()
    {
        for (var row = 1; row <= Rows; row++)
        {
            for (var bay = 1; bay <= Bays; bay++)
            {
                yield return SlotId(Id, row, bay);
            }
        }
    }

    public static string SlotId(string blockId, int row, int bay) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{blockId}-{row:00}-{bay:00}");
}

/// <summary>A rail-mounted container crane: its controller device, its rail, the blocks it reaches.</summary>
public sealed record CraneLayout(string Id, string ControllerId, double RailStartX, double RailEndX, double RailY, IReadOnlyList<string> Blocks, double SpeedMetresPerSecond);

/// <summary>
/// The closed cross-border route of the driverless trucks: waypoints joined by segments; a segment is
/// held by one vehicle at a time. The handoff waypoint is where vehicles pass to the partner side.
/// </summary>
public sealed record RouteLayout(
    IReadOnlyList<Waypoint> Waypoints,
    IReadOnlyList<RouteSegment> Segments,
    string YardWaypointId,
    string HandoffWaypointId);

public sealed record Waypoint(string Id, Point Position);

/// <summary>A one-way segment between two waypoints.</summary>
public sealed record RouteSegment(string Id, string From, string To, double LengthMetres);

public sealed record DriverlessTruckLayout(string Id, string ControllerId, string HomeWaypointId);

/// <summary>A point on the site plan, in metres.</summary>
public readonly record struct Point(double X, double Y);

/// <summary>The rules the gate applies; operators tune them per site.</summary>
public sealed record DispatchPolicy
{
    /// <summary>Perishable trucks go first, but after this many in a row a waiting non-perishable goes.</summary>
    public int MaxPerishablesInARow { get; init; } = 3;

    /// <summary>Trucks are called to lanes only while yard occupancy plus reservations stay below this share of its slots.</summary>
    public double YardHighWaterMark { get; init; } = 0.9;

    /// <summary>How long an arrival window lasts.</summary>
    public TimeSpan ArrivalWindow { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Trips each arrival window takes (per crossing).</summary>
    public int TripsPerWindow { get; init; } = 120;

    /// <summary>An arrival this much before its window waits until the window opens.</summary>
    public TimeSpan EarlyTolerance { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>An arrival later than its window's end plus this is queued behind the trucks on time.</summary>
    public TimeSpan LateTolerance { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>A booked trip that has not arrived this long after its window's end is a no-show.</summary>
    public TimeSpan NoShowAfter { get; init; } = TimeSpan.FromHours(2);

    /// <summary>A called truck that does not reach its lane in this time goes back to the queue.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a yard slot reservation holds before it expires.</summary>
    public TimeSpan SlotReservationTtl { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>A device that sends nothing (not even a heartbeat) for this long is stale.</summary>
    public TimeSpan DeviceStaleAfter { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// How long the people at the checkpoints take (in site time; the simulation speeds the clock up). Real
/// values come from the site's operating figures; the defaults are the pilot's planning figures.
/// </summary>
public sealed record CheckpointTimings
{
    /// <summary>Yellow channel: a customs officer checks the documents at the lane.</summary>
    public TimeSpan DocumentCheck { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Plant quarantine sampling of fresh fruit and farm produce at the lane.</summary>
    public TimeSpan Quarantine { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Red channel: physical inspection in a bay.</summary>
    public TimeSpan Inspection { get; init; } = TimeSpan.FromMinutes(25);

    /// <summary>From the barrier opening to the truck having cleared it.</summary>
    public TimeSpan BarrierPass { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>A truck on the weighbridge without a stable reading for this long goes back to the queue (the lane does not wait for ever).</summary>
    public TimeSpan WeighTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Readings of a weighbridge must stay within this many kilograms to count as stable.</summary>
    public int WeighStableToleranceKg { get; init; } = 20;

    /// <summary>Declared and weighed gross weight may differ by this share before the truck is held.</summary>
    public double WeightMismatchTolerance { get; init; } = 0.1;
}
