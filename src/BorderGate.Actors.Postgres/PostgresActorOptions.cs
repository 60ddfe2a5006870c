namespace BorderGate.Actors.Postgres;

/// <summary>Settings of the PostgreSQL providers (grain state, reminders, event log).</summary>
public sealed class PostgresActorOptions
{
    /// <summary>The Npgsql connection string. Required.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>The most writes one writer commits together in one transaction (group commit).</summary>
    public int MaxWriteBatchSize { get; set; } = 256;

    /// <summary>
    /// How many writer loops commit in parallel. Each grain's and each stream's writes always go to the
    /// same writer, so writers never contend for a row.
    /// </summary>
    public int WriterCount { get; set; } = 4;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("PostgresActorOptions.ConnectionString is required.", nameof(ConnectionString));
        }

        if (MaxWriteBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxWriteBatchSize), MaxWriteBatchSize, "At least one write per batch.");
        }

        if (WriterCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(WriterCount), WriterCount, "At least one writer.");
        }
    }
}
