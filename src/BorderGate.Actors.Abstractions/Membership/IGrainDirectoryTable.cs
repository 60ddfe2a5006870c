namespace BorderGate.Actors.Membership;

/// <summary>Where a grain is active: the silo incarnation that registered it first.</summary>
/// <param name="Address">The owning silo's address (host:port of its silo listener).</param>
/// <param name="Generation">The owning silo's incarnation.</param>
public sealed record GrainLocation(GrainId GrainId, string Address, long Generation)
{
    // Get-only (no `with`), so that the silo's name, read on every call routed to it, is made once, not at each read.
    public string Address { get; } = Address;

    public long Generation { get; } = Generation;

    /// <summary><c>host:port@generation</c>, as in the membership table.</summary>
    public string Silo { get; } = $"{Address}@{Generation.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>
/// The cluster's grain directory: at most one registration per grain, so at most one activation cluster-wide. A silo
/// activates a grain only once its own registration is the one the directory holds; the grain state's ETag is the last
/// guard behind it.
/// </summary>
public interface IGrainDirectoryTable
{
    /// <summary>
    /// Registers <paramref name="grainId"/> at the given silo unless it is registered already; returns the registration
    /// that holds — this one, or the one that won. If the holding registration is one of <paramref name="deadSilos"/>
    /// (<c>host:port@generation</c>), it is taken over.
    /// </summary>
    ValueTask<GrainLocation> RegisterAsync(string clusterId, GrainId grainId, string address, long generation, IReadOnlySet<string> deadSilos, CancellationToken cancellationToken);

    /// <summary>Where the grain is registered; null if nowhere.</summary>
    ValueTask<GrainLocation?> LookupAsync(string clusterId, GrainId grainId, CancellationToken cancellationToken);

    /// <summary>Removes the grain's registration if it is this silo's (an activation ending).</summary>
    ValueTask<bool> UnregisterAsync(string clusterId, GrainLocation location, CancellationToken cancellationToken);

    /// <summary>Removes every registration of a dead silo incarnation; how many.</summary>
    ValueTask<int> ReleaseSiloAsync(string clusterId, string address, long generation, CancellationToken cancellationToken);
}
