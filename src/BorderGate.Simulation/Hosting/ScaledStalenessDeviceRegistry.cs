using System.Diagnostics.CodeAnalysis;
using BorderGate.Contracts.Devices;

namespace BorderGate.Simulation.Hosting;

/// <summary>
/// The site's device registry with the stale threshold stretched by the speed-up: liveness is a matter of the
/// network, which does not run faster with the site clock (heartbeats stay 5 real seconds apart).
/// </summary>
public sealed class ScaledStalenessDeviceRegistry(IDeviceRegistry inner, double speedUp) : IDeviceRegistry
{
    public DeviceInfo? Find(string crossingId, string deviceId) => inner.Find(crossingId, deviceId);

    [SuppressMessage("Style", "IDE0046", Justification = "Readable as is.")]
    public TimeSpan StaleAfter(string crossingId) => TimeSpan.FromTicks((long)(inner.StaleAfter(crossingId).Ticks * speedUp));
}
