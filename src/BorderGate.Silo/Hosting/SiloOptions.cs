using System.ComponentModel.DataAnnotations;

namespace BorderGate.Silo.Hosting;

/// <summary>Configuration section <c>BorderGate</c>: where the silo keeps its data.</summary>
internal sealed class SiloOptions
{
    public const string SectionName = "BorderGate";

    /// <summary><c>Sqlite</c> (the embedded default, no server), <c>Postgres</c> (cluster) or <c>Memory</c> (nothing survives a restart).</summary>
    [Required]
    public string Storage { get; set; } = StorageKinds.Sqlite;

    /// <summary>Directory of the SQLite database file.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>PostgreSQL connection string (Npgsql format), for <c>Storage = Postgres</c>.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>Section <c>BorderGate:Cluster</c>: the silo as one of a cluster on PostgreSQL.</summary>
    public ClusterSettings Cluster { get; set; } = new();

    public static class StorageKinds
    {
        public const string Sqlite = "Sqlite";
        public const string Postgres = "Postgres";
        public const string Memory = "Memory";
    }
}

/// <summary>
/// Configuration section <c>BorderGate:Cluster</c>. Off by default: the silo runs alone. On, it needs <c>Storage = Postgres</c>
/// (the membership table and grain directory live there) and joins the other silos of <see cref="ClusterId"/>.
/// </summary>
internal sealed class ClusterSettings
{
    public bool Enabled { get; set; }

    public string ClusterId { get; set; } = "bordergate";

    /// <summary>The address the silo port listens on (<c>0.0.0.0</c> in a container).</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>The silo-to-silo port (grain calls between silos, probes, reminder notices, stream news).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>
    /// The client port: grain calls of cluster clients (load generator, tools, device gateways) only, so that the silo port
    /// can be closed to all but the silos. 0: clients call on the silo port.
    /// </summary>
    public int ClientPort { get; set; } = 30000;

    /// <summary>The host name or IP the other silos reach this one at, if not the listen address (a container's service name).</summary>
    public string? AdvertisedHost { get; set; }

    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    public int MissedProbesToSuspect { get; set; } = 2;

    public int VotesToDeclareDead { get; set; } = 2;

    public TimeSpan LeaseRenewal { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>How long a call to an unreachable silo waits for its death verdict before failing.</summary>
    public TimeSpan RerouteWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Calls from other silos (and apart, from clients) the silo runs at once; more are turned away as overloaded (HTTP 503).</summary>
    public int MaxConcurrentCalls { get; set; } = 10_000;
}
