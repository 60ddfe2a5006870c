using BorderGate.Actors.Networking;

namespace BorderGate.Actors.Membership;

/// <summary>How one silo asks whether another answers: directly, or through a third silo.</summary>
internal interface ISiloProber
{
    /// <summary>Whether <paramref name="silo"/> (that incarnation) answered within <paramref name="timeout"/>.</summary>
    Task<bool> ProbeAsync(SiloAddress silo, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>
    /// Whether <paramref name="via"/> reached <paramref name="silo"/>: true, false, or null when <paramref name="via"/> itself
    /// did not answer (nothing learnt about <paramref name="silo"/>).
    /// </summary>
    Task<bool?> ProbeThroughAsync(SiloAddress via, SiloAddress silo, TimeSpan timeout, CancellationToken cancellationToken);
}
