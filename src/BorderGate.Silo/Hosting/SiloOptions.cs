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

    public static class StorageKinds
    {
        public const string Sqlite = "Sqlite";
        public const string Postgres = "Postgres";
        public const string Memory = "Memory";
    }
}
