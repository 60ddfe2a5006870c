namespace BorderGate.Actors.Membership;

/// <summary>
/// Timings of the membership protocol. With the defaults a killed silo is voted dead about 1.5 s after it stops
/// answering (two missed probes 0.5 s apart, an indirect probe, two votes); a silo cut off from the table stops serving
/// when its 4 s lease runs out, and the others declare it dead once the table shows its lease out by a further second.
/// </summary>
public sealed class MembershipOptions
{
    /// <summary>The cluster the silos belong to (rows of other clusters in the same table are never looked at).</summary>
    public string ClusterId { get; set; } = "bordergate";

    /// <summary>How often a silo renews its lease in the table.</summary>
    public TimeSpan LeaseRenewal { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a silo serves after it last renewed its lease (counted from when it sent the renewal). A silo that could
    /// not renew for this long stops serving: by then the others may declare it dead.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>How far past its lease (on the table's clock) a silo must be before another declares it dead.</summary>
    public TimeSpan LeaseGrace { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a silo reads the table (new silos, dead ones, itself declared dead).</summary>
    public TimeSpan TableRefresh { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a silo probes each silo it watches.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a probe waits for its answer.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Probes missed in a row before a silo asks another to probe the silent one, then votes it dead.</summary>
    public int MissedProbesToSuspect { get; set; } = 2;

    /// <summary>How many silos each silo watches (its successors on the ring of active silos).</summary>
    public int WatchedSilos { get; set; } = 2;

    /// <summary>Votes that declare a silo dead (fewer when fewer other silos are active to vote).</summary>
    public int VotesToDeclareDead { get; set; } = 2;

    /// <summary>How long a vote counts.</summary>
    public TimeSpan VoteExpiry { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Rows of dead silos older than this are deleted.</summary>
    public TimeSpan DefunctAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rejects a bad value with a message that names the setting.</summary>
    public void Validate()
    {
        static void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(name, value, $"Membership:{name} must be positive.");
            }
        }

        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            throw new ArgumentException("Membership:ClusterId must be set.", nameof(ClusterId));
        }

        Positive(LeaseRenewal, nameof(LeaseRenewal));
        Positive(LeaseDuration, nameof(LeaseDuration));
        Positive(TableRefresh, nameof(TableRefresh));
        Positive(ProbeInterval, nameof(ProbeInterval));
        Positive(ProbeTimeout, nameof(ProbeTimeout));
        Positive(VoteExpiry, nameof(VoteExpiry));
        Positive(DefunctAfter, nameof(DefunctAfter));
        if (LeaseGrace < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(LeaseGrace), LeaseGrace, "Membership:LeaseGrace must not be negative.");
        }

        if (LeaseDuration < LeaseRenewal * 2)
        {
            throw new ArgumentOutOfRangeException(
                nameof(LeaseDuration), LeaseDuration, $"Membership:LeaseDuration must be at least twice LeaseRenewal ({LeaseRenewal}): one late renewal must not cost a silo its lease.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MissedProbesToSuspect, 1, nameof(MissedProbesToSuspect));
        ArgumentOutOfRangeException.ThrowIfLessThan(WatchedSilos, 1, nameof(WatchedSilos));
        ArgumentOutOfRangeException.ThrowIfLessThan(VotesToDeclareDead, 1, nameof(VotesToDeclareDead));
    }
}
