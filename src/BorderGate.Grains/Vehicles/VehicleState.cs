using BorderGate.Contracts.Crossing;

namespace BorderGate.Grains.Vehicles;

public sealed class VehicleState
{
    public VehicleMode Mode { get; set; }

    /// <summary>Outbound or Returning: the leg under way, kept while blocked or broken down.</summary>
    public VehicleMode Leg { get; set; } = VehicleMode.Idle;

    public string? Waypoint { get; set; }

    public string? Segment { get; set; }

    public List<string> Path { get; set; } = [];

    public string? ContainerNumber { get; set; }

    public string? Fault { get; set; }

    public string? FaultCode { get; set; }

    public DateTimeOffset Since { get; set; }

    public int Trips { get; set; }
}
