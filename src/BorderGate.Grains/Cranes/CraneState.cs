using BorderGate.Contracts.Crossing;

namespace BorderGate.Grains.Cranes;

public sealed class CraneState
{
    public CraneMode Mode { get; set; }

    public double PositionX { get; set; }

    public CraneJob? Current { get; set; }

    public List<CraneJob> Queue { get; set; } = [];

    public string? Fault { get; set; }

    /// <summary>The fault's code (device event name): only "offline"/"stale" clear when the controller is back online.</summary>
    public string? FaultCode { get; set; }

    /// <summary>Where containers were left by a fault mid-move (by container number).</summary>
    public Dictionary<string, ContainerPlace> Stranded { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How many times each queued job was passed by a move that loads a waiting driverless truck (see <see cref="CraneQueue"/>).</summary>
    public Dictionary<string, int> Overtaken { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Ids of jobs already done, so that a job enqueued twice runs once.</summary>
    public List<string> Done { get; set; } = [];
}
