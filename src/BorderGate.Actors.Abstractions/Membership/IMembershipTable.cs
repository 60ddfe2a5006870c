namespace BorderGate.Actors.Membership;

/// <summary>Where a silo incarnation stands in its cluster. The numbers are stored; never renumber them.</summary>
public enum SiloStatus
{
    /// <summary>Inserted, not serving yet.</summary>
    Joining = 1,

    /// <summary>Serving grains.</summary>
    Active = 2,

    /// <summary>Leaving in order: hands its grains over, serves no new activation.</summary>
    ShuttingDown = 3,

    /// <summary>Declared dead by others or by itself; it must not serve again (a restart is a new incarnation).</summary>
    Dead = 4,
}

/// <summary>A silo's vote that another is dead: who voted and when (the database's clock).</summary>
public sealed record SuspectVote(string Voter, DateTimeOffset At);

/// <summary>
/// One silo incarnation's row in the membership table.
/// </summary>
/// <param name="Address">Where other silos reach it (host:port of its silo-to-silo listener).</param>
/// <param name="Generation">The incarnation: a silo restarted on the same address has a larger one.</param>
/// <param name="IAmAliveAt">The silo's lease, renewed on the database's clock.</param>
/// <param name="ETag">The row's version, for conditional updates.</param>
/// <param name="ClientAddress">Where cluster clients call it (host:port of its client listener); null: on its silo port.</param>
public sealed record SiloEntry(
    string Address,
    long Generation,
    SiloStatus Status,
    string HostName,
    DateTimeOffset StartedAt,
    DateTimeOffset IAmAliveAt,
    IReadOnlyList<SuspectVote> Suspicions,
    string ETag,
    string? ClientAddress = null)
{
    /// <summary><c>host:port@generation</c>, the name of the incarnation in votes, logs and errors.</summary>
    public string Silo => $"{Address}@{Generation.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>The cluster's silos as one read saw them, with the table's version and the database's clock at that read.</summary>
public sealed record MembershipView(long Version, DateTimeOffset ReadAt, IReadOnlyList<SiloEntry> Silos)
{
    public SiloEntry? Find(string address, long generation) =>
        Silos.FirstOrDefault(s => s.Generation == generation && string.Equals(s.Address, address, StringComparison.Ordinal));
}

/// <summary>
/// The membership table: one row per silo incarnation and a version per cluster that every change to a row's status or
/// votes advances in the same transaction, made only against the version it was decided on — so the cluster's changes
/// are totally ordered and a decision taken on a stale view fails and is taken again. Lease renewals (IAmAlive) do not
/// advance the version. Times are the database's, so that silos' clocks need not agree.
/// </summary>
public interface IMembershipTable
{
    /// <summary>Every row of the cluster, the version and the database's clock, read at one moment.</summary>
    ValueTask<MembershipView> ReadAllAsync(string clusterId, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts a row (its <see cref="SiloEntry.IAmAliveAt"/> and <see cref="SiloEntry.StartedAt"/> taken from the database's
    /// clock) if the version is still <paramref name="expectedVersion"/> and no row has its address and generation.
    /// </summary>
    ValueTask<bool> TryInsertAsync(string clusterId, SiloEntry entry, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Replaces a row's status and votes if its ETag and the version are still the ones given.</summary>
    ValueTask<bool> TryUpdateAsync(string clusterId, SiloEntry entry, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Renews a silo's lease; false if its row is missing or dead (the silo must stop serving).</summary>
    ValueTask<bool> RenewAsync(string clusterId, string address, long generation, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the rows of silos dead whose last lease is older than <paramref name="olderThan"/>, and the grain directory
    /// rows they still held; how many silos.
    /// </summary>
    ValueTask<int> DeleteDefunctAsync(string clusterId, TimeSpan olderThan, CancellationToken cancellationToken);
}
