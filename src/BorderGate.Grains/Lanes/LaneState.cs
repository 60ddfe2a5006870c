using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Trips;

namespace BorderGate.Grains.Lanes;

/// <summary>The stored form of a lane.</summary>
public sealed class LaneState
{
    public LaneMode Mode { get; set; } = LaneMode.Open;

    public string? ModeReason { get; set; }

    public LaneStep Step { get; set; } = LaneStep.Idle;

    public DateTimeOffset Since { get; set; }

    public QueueEntry? Truck { get; set; }

    /// <summary>The weight that counted (the first stable reading), once there is one.</summary>
    public int? WeighedKg { get; set; }

    public CustomsChannel? Channel { get; set; }

    /// <summary>A sequence number per truck, so that a timer armed for one truck never acts on the next.</summary>
    public long Visit { get; set; }

    /// <summary>Faulted devices of the lane, by device id.</summary>
    public Dictionary<string, string> Faults { get; set; } = new(StringComparer.Ordinal);
}
