using System.Net;
using BorderGate.Actors.Membership;

namespace BorderGate.Actors.Cluster;

/// <summary>
/// A silo's place in a cluster on PostgreSQL: which cluster, where it listens for other silos, and the membership timings.
/// The membership table and grain directory are the PostgreSQL provider's (<c>AddPostgresActorProviders</c>).
/// </summary>
public sealed class ClusterOptions
{
    /// <summary>
    /// Grain locations a silo or client keeps per generation of its cache (<see cref="RecentMap{TKey, TValue}"/>): between
    /// this and twice this many, those called lately; ~200 bytes each.
    /// </summary>
    internal const int LocationCacheGeneration = 100_000;

    /// <summary>The cluster this silo belongs to; silos of other clusters are refused on the silo port and never seen in the table.</summary>
    public string ClusterId { get; set; } = "bordergate";

    /// <summary>Where the silo listens for other silos. Port 0 takes a free port (tests).</summary>
    public IPEndPoint SiloEndpoint { get; set; } = new(IPAddress.Loopback, 11111);

    /// <summary>The address other silos reach this one at, when it differs from <see cref="SiloEndpoint"/> (listening on any address).</summary>
    public IPEndPoint? AdvertisedEndpoint { get; set; }

    /// <summary>
    /// Where the silo listens for cluster clients (load generator, tools, device gateways), apart from the silo port so that
    /// the silo port can be closed to all but the silos; it serves grain calls only. Null: clients call on the silo port.
    /// </summary>
    public IPEndPoint? ClientEndpoint { get; set; }

    /// <summary>The address clients reach the client port at, when it differs from <see cref="ClientEndpoint"/>.</summary>
    public IPEndPoint? AdvertisedClientEndpoint { get; set; }

    /// <summary>This incarnation; 0 takes the start time in milliseconds (a restart is then always later).</summary>
    public long Generation { get; set; }

    /// <summary>How long a call to another silo waits for its answer when its method names no timeout.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a call to a silo that cannot be reached waits for the cluster to declare that silo dead (then it goes to the
    /// grain's new activation) before it fails with <see cref="SiloUnavailableException"/>.
    /// </summary>
    public TimeSpan RerouteWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often a silo checks each stream its subscriptions follow against the event log, to deliver events whose news
    /// never came (their publisher died first); also done whenever a silo dies.
    /// </summary>
    public TimeSpan StreamCatchUpInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Calls from other silos (and, apart, from clients on the client port) this silo runs at once, at most; one more is
    /// turned away at once with <see cref="SiloOverloadedException"/> (nothing ran) instead of queued, so that a flood is
    /// shed and the silo goes on answering — its membership probes above all — rather than stalling until it is declared
    /// dead. The silos' own requests (probes, reminder notices, stream news) are never shed.
    /// </summary>
    public int MaxConcurrentCalls { get; set; } = 10_000;

    /// <summary>Probe, vote and lease timings (its ClusterId is this one's).</summary>
    public MembershipOptions Membership { get; set; } = new();

    /// <summary>Rejects a bad value at start with a message that names the setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            throw new ArgumentException("Cluster:ClusterId must be set.", nameof(ClusterId));
        }

        ArgumentNullException.ThrowIfNull(SiloEndpoint, "Cluster:SiloEndpoint");
        if (AdvertisedEndpoint is { Port: 0 })
        {
            throw new ArgumentOutOfRangeException(nameof(AdvertisedEndpoint), AdvertisedEndpoint, "Cluster:AdvertisedEndpoint must name a port.");
        }

        if (AdvertisedClientEndpoint is not null && ClientEndpoint is null)
        {
            throw new ArgumentException("Cluster:AdvertisedClientEndpoint is set but Cluster:ClientEndpoint is not.", nameof(AdvertisedClientEndpoint));
        }

        if (AdvertisedClientEndpoint is { Port: 0 })
        {
            throw new ArgumentOutOfRangeException(nameof(AdvertisedClientEndpoint), AdvertisedClientEndpoint, "Cluster:AdvertisedClientEndpoint must name a port.");
        }

        if (ClientEndpoint is { Port: > 0 } client && client.Port == SiloEndpoint.Port
            && (client.Address.Equals(SiloEndpoint.Address) || client.Address.Equals(IPAddress.Any) || SiloEndpoint.Address.Equals(IPAddress.Any)))
        {
            throw new ArgumentException($"Cluster:ClientEndpoint {client} and Cluster:SiloEndpoint {SiloEndpoint} must be different ports.", nameof(ClientEndpoint));
        }

        if (Generation < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Generation), Generation, "Cluster:Generation must not be negative.");
        }

        if (ResponseTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ResponseTimeout), ResponseTimeout, "Cluster:ResponseTimeout must be positive.");
        }

        if (RerouteWait <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RerouteWait), RerouteWait, "Cluster:RerouteWait must be positive.");
        }

        if (MaxConcurrentCalls < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentCalls), MaxConcurrentCalls, "Cluster:MaxConcurrentCalls must be at least 1.");
        }

        if (StreamCatchUpInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StreamCatchUpInterval), StreamCatchUpInterval, "Cluster:StreamCatchUpInterval must be positive.");
        }

        ArgumentNullException.ThrowIfNull(Membership, "Cluster:Membership");
        Membership.ClusterId = ClusterId;
        Membership.Validate();
    }
}
