using BorderGate.Actors.Hosting;
using BorderGate.Contracts.Devices;
using BorderGate.Devices.Endpoint;
using BorderGate.Grains.Devices;
using BorderGate.Simulation.Hosting;
using BorderGate.Simulation.Time;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BorderGate.Silo.Hosting;

/// <summary>
/// Simulation mode (section <c>BorderGate:Simulation</c>): <c>SpeedUp</c> runs the site clock that many times
/// faster than real time (from <c>Start</c>, default now); <c>Enabled=true</c> also plays a day against this silo
/// with simulated devices (<see cref="SimulatedDayService"/>). Call after the crossing's services are added.
/// </summary>
public static class SimulationSetup
{
    public const string SectionName = "BorderGate:Simulation";

    /// <summary>Adds the scaled site clock and, when enabled, the simulated day; does nothing when neither is configured.</summary>
    public static IServiceCollection AddSimulation(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        var section = configuration.GetSection(SectionName);
        var speedUp = section.GetValue<double?>("SpeedUp");
        var enabled = section.GetValue("Enabled", false);
        if ((speedUp is null && !enabled) || services.Any(d => d.ServiceType == typeof(ScaledTimeProvider)))
        {
            return services;
        }

        var factor = speedUp ?? 1;
        var clock = new ScaledTimeProvider(factor, section.GetValue<DateTimeOffset?>("Start") ?? TimeProvider.System.GetUtcNow());
        services.RemoveAll<TimeProvider>();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton(clock);

        // The site's processes run faster; the machinery's own timeouts (calls, acks, heartbeats, liveness,
        // idle collection) are about computers and networks, so they stay what they are in real time.
        services.PostConfigure<ActorRuntimeOptions>(o =>
        {
            o.IdleTimeout = Stretch(o.IdleTimeout, factor);
            o.CollectionInterval = Stretch(o.CollectionInterval, factor);
            o.DefaultResponseTimeout = Stretch(o.DefaultResponseTimeout, factor);
            o.DeadlineCheckInterval = Stretch(o.DeadlineCheckInterval, factor);
            o.ReminderRefreshInterval = Stretch(o.ReminderRefreshInterval, factor);
            o.LifecycleHookTimeout = Stretch(o.LifecycleHookTimeout, factor);
        });
        services.PostConfigure<DeviceGrainOptions>(o =>
        {
            o.AckTimeout = Stretch(o.AckTimeout, factor);
            o.RetryBaseDelay = Stretch(o.RetryBaseDelay, factor);
            o.LivenessCheckInterval = Stretch(o.LivenessCheckInterval, factor);
        });
        services.PostConfigure<DeviceEndpointOptions>(o =>
        {
            o.HeartbeatInterval = Stretch(o.HeartbeatInterval, factor);
            o.HandshakeTimeout = Stretch(o.HandshakeTimeout, factor);
        });
        var registry = services.LastOrDefault(d => d.ServiceType == typeof(IDeviceRegistry))?.ImplementationInstance as IDeviceRegistry
            ?? throw new InvalidOperationException("AddSimulation must come after the crossing's services (AddCrossingServices): it scales the device registry's stale threshold.");
        services.RemoveAll<IDeviceRegistry>();
        services.AddSingleton<IDeviceRegistry>(new ScaledStalenessDeviceRegistry(registry, factor));
        if (enabled)
        {
            services.AddHostedService<SimulatedDayService>();
        }

        return services;
    }

    private static TimeSpan Stretch(TimeSpan span, double factor) => TimeSpan.FromTicks((long)Math.Min(span.Ticks * factor, TimeSpan.MaxValue.Ticks / 2.0));
}
