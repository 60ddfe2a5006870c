using BorderGate.Contracts.Crossing;

namespace BorderGate.Simulation.Play;

/// <summary>The answer to POST /api/trips.</summary>
internal sealed record DeclaredTripBody(string TripId, string Plate, ArrivalWindow Window);

/// <summary>What the simulation reads of GET /api/trucks/{plate}/status.</summary>
internal sealed record DriverStatusBody(string Plate, TruckStatus Status, string? LaneId, string? WaitingReason, ArrivalWindow? Window);

/// <summary>GET /api/crossing/route: the segment holders, the vehicles and the site time of the snapshot.</summary>
public sealed record RouteSnapshot(
    DateTimeOffset At,
    IReadOnlyDictionary<string, string> Holders,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Waiting,
    IReadOnlyList<VehicleView> Vehicles);
