using BorderGate.Actors.Membership;

namespace BorderGate.Actors.Cluster;

/// <summary>The grain is registered on another silo: the call goes there (the cluster's invoker catches this and re-routes).</summary>
internal sealed class GrainMovedException(GrainLocation location)
    : Exception($"Grain {location.GrainId} lives on silo {location.Silo}.")
{
    public GrainLocation Location { get; } = location;
}
