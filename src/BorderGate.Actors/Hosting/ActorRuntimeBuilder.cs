using System.Reflection;
using BorderGate.Actors.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BorderGate.Actors.Hosting;

/// <summary>Configures the grain runtime of a silo.</summary>
public sealed class ActorRuntimeBuilder
{
    internal ActorRuntimeBuilder(IServiceCollection services, GrainAssemblies assemblies)
    {
        Services = services;
        Assemblies = assemblies;
    }

    public IServiceCollection Services { get; }

    internal GrainAssemblies Assemblies { get; }

    /// <summary>Adds an assembly whose grain interfaces and classes (generated manifest) the runtime serves.</summary>
    public ActorRuntimeBuilder AddGrainAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        Assemblies.Assemblies.Add(assembly);
        return this;
    }

    public ActorRuntimeBuilder Configure(Action<ActorRuntimeOptions> configure)
    {
        Services.Configure(configure);
        return this;
    }

    public ActorRuntimeBuilder AddIncomingFilter<TFilter>()
        where TFilter : class, IIncomingGrainCallFilter
    {
        Services.AddSingleton<IIncomingGrainCallFilter, TFilter>();
        return this;
    }

    public ActorRuntimeBuilder AddOutgoingFilter<TFilter>()
        where TFilter : class, IOutgoingGrainCallFilter
    {
        Services.AddSingleton<IOutgoingGrainCallFilter, TFilter>();
        return this;
    }

    /// <summary>
    /// Makes this silo one of a cluster (<see cref="Cluster.ClusterOptions"/>): it joins at start, takes calls from the other
    /// silos, and routes calls to grains that live elsewhere. Needs the PostgreSQL providers (membership table and directory).
    /// </summary>
    public ActorRuntimeBuilder UseCluster(Action<Cluster.ClusterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new Cluster.ClusterOptions();
        configure(options);
        return UseCluster(options);
    }

    /// <summary>Runs the silo as a member of a cluster with these options, as they are (validated here).</summary>
    public ActorRuntimeBuilder UseCluster(Cluster.ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Services.AddSingleton(options);
        return this;
    }

    /// <summary>Adds a stream provider over the registered <see cref="IEventLog"/>.</summary>
    public ActorRuntimeBuilder AddStreams(string name = StreamProviderNames.Default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Services.TryAddKeyedSingleton<IStreamProvider>(name, (sp, key) =>
            new EventLogStreamProvider((string)key!, sp.GetRequiredService<ActorRuntime>(), sp.GetRequiredService<IEventLog>()));
        return this;
    }
}
