using BorderGate.Actors.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace BorderGate.Actors.Hosting;

public static class ActorRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds the grain runtime (as a hosted service), <see cref="IGrainFactory"/> and the default stream
    /// provider. Storage providers are added apart (memory, SQLite, PostgreSQL).
    /// </summary>
    public static IServiceCollection AddActorRuntime(this IServiceCollection services, Action<ActorRuntimeBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var assemblies = services.FirstOrDefault(d => d.ServiceType == typeof(GrainAssemblies))?.ImplementationInstance as GrainAssemblies;
        if (assemblies is null)
        {
            assemblies = new GrainAssemblies();
            services.AddSingleton(assemblies);
            services.AddOptions<ActorRuntimeOptions>();
            services.TryAddSingleton(TimeProvider.System);
            services.AddSingleton<ActorRuntime>();
            services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<ActorRuntime>().GrainFactory);
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ActorRuntime>());
        }

        var builder = new ActorRuntimeBuilder(services, assemblies);
        builder.AddStreams(StreamProviderNames.Default);
        configure?.Invoke(builder);
        return services;
    }
}
