using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Reflection;
using BorderGate.Actors.Cluster;
using BorderGate.Actors.Diagnostics;
using BorderGate.Actors.Invocation;
using BorderGate.Actors.Membership;
using BorderGate.Actors.Reminders;
using BorderGate.Actors.Runtime;
using BorderGate.Actors.Storage;
using BorderGate.Actors.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BorderGate.Actors.Hosting;

/// <summary>
/// The grain runtime of one silo: the catalog of activations, the call path, timers' deadlines, reminders
/// and streams. Registered by <see cref="ActorRuntimeServiceCollectionExtensions.AddActorRuntime"/> and run
/// as a hosted service.
/// </summary>
public sealed partial class ActorRuntime : IHostedService, IAsyncDisposable
{
    private static readonly ConcurrentDictionary<ActorRuntime, byte> s_live = new();
    private static int s_instrumentsCreated;
    private readonly ConcurrentDictionary<string, IGrainStorage> _storages = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IStreamProvider> _streamProviders = new(StringComparer.Ordinal);
    private int _started;
    private volatile bool _stopped;

    public ActorRuntime(IServiceProvider services, IOptions<ActorRuntimeOptions> options, GrainAssemblies assemblies)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(assemblies);
        Options = options.Value;
        Options.Validate();
        Services = services;
        TimeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System;
        Logger = services.GetService<ILoggerFactory>()?.CreateLogger("BorderGate.Actors") ?? NullLogger.Instance;
        Registry = new GrainTypeRegistry(GrainTypeRegistry.DiscoverAssemblies(assemblies.Assemblies));
        Catalog = new Catalog(this);
        Deadlines = new DeadlineTracker(TimeProvider, Options.DeadlineCheckInterval);
        var invoker = new LocalGrainCallInvoker(this);
        LocalInvoker = invoker;
        Invoker = invoker;
        if (services.GetService<ClusterOptions>() is { } cluster)
        {
            Cluster = new ClusterSilo(
                this,
                cluster,
                services.GetService<IMembershipTable>() ?? throw new InvalidOperationException("A cluster silo needs a membership table: add the PostgreSQL providers (AddPostgresActorProviders)."),
                services.GetService<IGrainDirectoryTable>() ?? throw new InvalidOperationException("A cluster silo needs a grain directory: add the PostgreSQL providers (AddPostgresActorProviders)."),
                Logger);
            Invoker = new ClusterGrainCallInvoker(this, invoker, Cluster);
        }

        var factory = new GrainFactory(Registry, () => Invoker);
        GrainFactory = factory;
        References = factory;
        Reminders = new ReminderService(this, services.GetService<IReminderTable>());
        IncomingFilters = [.. services.GetServices<IIncomingGrainCallFilter>()];
        OutgoingFilters = [.. services.GetServices<IOutgoingGrainCallFilter>()];
        EnsureInstruments();
    }

    /// <summary>References to grains of this runtime.</summary>
    public IGrainFactory GrainFactory { get; }

    public IServiceProvider Services { get; }

    public TimeProvider TimeProvider { get; }

    public ActorRuntimeOptions Options { get; }

    /// <summary>Activations currently in the catalog.</summary>
    public int ActivationCount => Catalog.Count;

    internal ILogger Logger { get; }

    internal GrainTypeRegistry Registry { get; }

    internal Catalog Catalog { get; }

    internal DeadlineTracker Deadlines { get; }

    internal IGrainCallInvoker Invoker { get; set; }

    /// <summary>Calls to activations of this silo only (a cluster's remote calls end here).</summary>
    internal LocalGrainCallInvoker LocalInvoker { get; }

    /// <summary>The silo's cluster side; null on a single node.</summary>
    internal ClusterSilo? Cluster { get; }

    /// <summary>Set when the silo was fenced off its cluster: it serves nothing more, and the host is asked to stop.</summary>
    public string? FencedReason { get; private set; }

    /// <summary>The active silos of this silo's cluster as it last read them (this one included); empty on a single node.</summary>
    public IReadOnlyList<string> ClusterSilos => Cluster is { } cluster ? [.. cluster.ActiveSilos().Select(s => s.ToString())] : [];

    internal GrainFactory References { get; }

    internal ReminderService Reminders { get; }

    internal IIncomingGrainCallFilter[] IncomingFilters { get; }

    internal IOutgoingGrainCallFilter[] OutgoingFilters { get; }

    /// <summary>Prepares storage (schema scripts), then starts the idle collector, deadlines and reminders.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return;
        }

        foreach (var initializer in Services.GetServices<IStorageInitializer>())
        {
            await initializer.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        if (Cluster is not null)
        {
            await Cluster.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        Catalog.Start();
        Deadlines.Start();
        await Reminders.StartAsync(cancellationToken).ConfigureAwait(false);
        s_live.TryAdd(this, 0);
        LogStarted(Logger, Registry.GrainClasses.Count());
    }

    /// <summary>Stops reminders and deactivates every activation (OnDeactivateAsync runs).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopped)
        {
            return;
        }

        Cluster?.BeginStopping();
        await Reminders.StopAsync().ConfigureAwait(false);
        await Catalog.DeactivateAllAsync(cancellationToken).ConfigureAwait(false);
        if (Cluster is not null)
        {
            await Cluster.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        _stopped = true;
        Deadlines.Dispose();
        s_live.TryRemove(this, out _);
        LogStopped(Logger);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        Catalog.Dispose();
        Deadlines.Dispose();
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The cluster fenced this silo off: it stops (its host, if it has one, is told to stop the process).</summary>
    internal void OnFenced(string reason)
    {
        FencedReason = reason;
        LogFenced(Logger, reason);
        Services.GetService<IHostApplicationLifetime>()?.StopApplication();
    }

    /// <summary>The stream providers used so far on this silo.</summary>
    internal IEnumerable<IStreamProvider> StreamProviders => _streamProviders.Values;

    /// <summary>The stream provider registered under <paramref name="name"/>.</summary>
    public IStreamProvider GetStreamProvider(string name) =>
        _streamProviders.GetOrAdd(name, static (n, runtime) =>
            runtime.Services.GetKeyedService<IStreamProvider>(n)
            ?? throw new InvalidOperationException($"No stream provider named '{n}' is registered; add one with ActorRuntimeBuilder.AddStreams(\"{n}\")."), this);

    internal IGrainStorage GetStorage(string name, GrainId grainId) =>
        _storages.GetOrAdd(name, static (n, args) =>
            args.Services.GetKeyedService<IGrainStorage>(n)
            ?? throw new GrainActivationException($"Grain {args.GrainId} asks for grain storage '{n}', and none is registered under that name."),
            (Services, GrainId: grainId));

    internal void ThrowIfStopped()
    {
        if (_stopped)
        {
            throw new ObjectDisposedException(nameof(ActorRuntime), "The grain runtime has stopped.");
        }
    }

    /// <summary>Sends a call whose activation went away before it started to the grain's next activation.</summary>
    internal void Redispatch<TRequest, TResult>(GrainId grainId, RequestTurn<TRequest, TResult> call)
        where TRequest : struct, IGrainRequest<TResult>
    {
        if (_stopped)
        {
            call.Fail(new ObjectDisposedException(nameof(ActorRuntime), "The grain runtime stopped before the call could be delivered."));
            return;
        }

        while (!Catalog.GetOrCreate(grainId).TryEnqueue(call))
        {
            // The new activation failed at once; look again.
        }
    }

    private static void EnsureInstruments()
    {
        if (Interlocked.Exchange(ref s_instrumentsCreated, 1) != 0)
        {
            return;
        }

        ActorDiagnostics.Meter.CreateObservableUpDownCounter(
            ActorDiagnostics.ActivationsInstrument, static () => s_live.Keys.Sum(r => r.Catalog.Count), "{activation}", "Live activations.");
        ActorDiagnostics.Meter.CreateObservableGauge(
            ActorDiagnostics.MailboxDepthInstrument, static () => s_live.Keys.Sum(r => r.Catalog.MailboxDepth()), "{message}", "Calls and continuations waiting in activation queues.");
        ActorDiagnostics.Meter.CreateObservableUpDownCounter(
            ActorDiagnostics.RemindersScheduledInstrument, static () => s_live.Keys.Sum(r => r.Reminders.LocalCount), "{reminder}",
            "Reminders this silo fires (its share of the ring in a cluster).");
    }

    [LoggerMessage(1201, LogLevel.Information, "Grain runtime started with {GrainClassCount} grain classes")]
    private static partial void LogStarted(ILogger logger, int grainClassCount);

    [LoggerMessage(1203, LogLevel.Critical, "Grain runtime fenced off its cluster ({Reason}); the silo stops")]
    private static partial void LogFenced(ILogger logger, string reason);

    [LoggerMessage(1202, LogLevel.Information, "Grain runtime stopped")]
    private static partial void LogStopped(ILogger logger);
}

/// <summary>The assemblies named with <see cref="ActorRuntimeBuilder.AddGrainAssembly"/> (loaded assemblies with grain manifests are found anyway).</summary>
public sealed class GrainAssemblies
{
    internal List<Assembly> Assemblies { get; } = [];
}
