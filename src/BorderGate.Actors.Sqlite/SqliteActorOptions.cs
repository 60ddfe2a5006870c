namespace BorderGate.Actors.Sqlite;

/// <summary>Settings of the embedded SQLite providers (grain state, reminders, event log in one database file).</summary>
public sealed class SqliteActorOptions
{
    /// <summary>The directory that holds the database file; created at start when missing. Required.</summary>
    public string DataDirectory { get; set; } = string.Empty;

    /// <summary>The database file name within <see cref="DataDirectory"/>.</summary>
    public string FileName { get; set; } = "bordergate.db";

    /// <summary>How long a statement waits for a lock held by another process before it fails.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most writes committed together in one transaction (group commit).</summary>
    public int MaxWriteBatchSize { get; set; } = 512;

    internal string FilePath => Path.GetFullPath(Path.Combine(DataDirectory, FileName));

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("SqliteActorOptions.DataDirectory is required.", nameof(DataDirectory));
        }

        if (string.IsNullOrWhiteSpace(FileName))
        {
            throw new ArgumentException("SqliteActorOptions.FileName must not be empty.", nameof(FileName));
        }

        if (MaxWriteBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxWriteBatchSize), MaxWriteBatchSize, "At least one write per batch.");
        }

        if (BusyTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(BusyTimeout), BusyTimeout, "The busy timeout must be positive.");
        }
    }
}
