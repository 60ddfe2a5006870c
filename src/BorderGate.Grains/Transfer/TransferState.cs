using BorderGate.Contracts.Crossing;

namespace BorderGate.Grains.Transfer;

/// <summary>The stored form of a crossing's container transfer.</summary>
public sealed class TransferState
{
    /// <summary>Trucks past their checks whose container is not yet on its way (to a slot or a vehicle), in the order they came.</summary>
    public List<PendingTransfer> Pending { get; set; } = [];

    /// <summary>Driverless trucks free at the yard, in the order they became free (null until first activation).</summary>
    public List<string>? IdleVehicles { get; set; }

    public Dictionary<string, string> BrokenVehicles { get; set; } = new(StringComparer.Ordinal);

    public int ContainersCrossed { get; set; }

    /// <summary>Cranes faulted, with the fault: new moves go to the others while any other can make them.</summary>
    public Dictionary<string, string> FaultedCranes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Round-robin position over the cranes that can take a move.</summary>
    public long CraneTurn { get; set; }

    /// <summary>Whether what an older gate stored of the transfer was taken over (or there was nothing to take).</summary>
    public bool Adopted { get; set; }
}

/// <summary>A truck handed over to the transfer, and where its container goes once that is decided (stored before anyone is told).</summary>
public sealed class PendingTransfer
{
    public required string Plate { get; set; }

    /// <summary>The driverless truck reserved to take the container straight off the road truck.</summary>
    public string? Vehicle { get; set; }

    /// <summary>The yard slot reserved for the container.</summary>
    public string? SlotId { get; set; }

    /// <summary>The crane that makes the move.</summary>
    public string? CraneId { get; set; }
}

/// <summary>
/// Containers in yard slots waiting for a driverless truck, oldest first, as stored whole before parts (state
/// "transfer-yard"): moved to its parts on activation (<see cref="YardContainerQueue"/>).
/// </summary>
public sealed class TransferYardQueue
{
    public List<YardContainer> Containers { get; set; } = [];
}
