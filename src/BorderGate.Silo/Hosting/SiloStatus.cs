using BorderGate.Actors.Hosting;

namespace BorderGate.Silo.Hosting;

/// <summary>Whether this silo serves, and how it was started; set by the host's lifetime events.</summary>
internal sealed class SiloStatus
{
    public SiloStatus(string storageKind) => StorageKind = storageKind;

    public string StorageKind { get; }

    public DateTimeOffset? StartedAt { get; private set; }

    public bool IsStarted => StartedAt is not null;

    public void MarkStarted(TimeProvider timeProvider) => StartedAt = timeProvider.GetUtcNow();

    public static string Describe(ActorRuntime runtime, SiloStatus status) =>
        $"storage={status.StorageKind} activations={runtime.ActivationCount} started={status.StartedAt:O}"
        + (runtime.ClusterSilos is { Count: > 0 } silos ? $" cluster-silos={silos.Count}" : string.Empty);
}
