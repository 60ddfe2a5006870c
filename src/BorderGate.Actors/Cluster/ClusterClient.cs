using System.Collections.Concurrent;
using System.Net;
using System.Reflection;
using System.Text.Json;
using BorderGate.Actors.Invocation;
using BorderGate.Actors.Membership;
using BorderGate.Actors.Networking;
using BorderGate.Actors.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BorderGate.Actors.Cluster;

/// <summary>Settings of a cluster client.</summary>
public sealed class ClusterClientOptions
{
    public string ClusterId { get; set; } = "bordergate";

    /// <summary>How long a call waits for its answer when its method names no timeout.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a call to a silo that cannot be reached waits for the cluster to declare it dead, then goes elsewhere.</summary>
    public TimeSpan RerouteWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the client reads the membership table for the live silos.</summary>
    public TimeSpan ViewRefresh { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How arguments and answers are written (as the silos' <c>ActorRuntimeOptions.JsonSerializerOptions</c>).</summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = new(JsonSerializerDefaults.Web);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            throw new ArgumentException("ClusterClient:ClusterId must be set.", nameof(ClusterId));
        }

        foreach (var (value, name) in new[] { (ResponseTimeout, nameof(ResponseTimeout)), (RerouteWait, nameof(RerouteWait)), (ViewRefresh, nameof(ViewRefresh)) })
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(name, value, $"ClusterClient:{name} must be positive.");
            }
        }
    }
}

/// <summary>
/// A process that calls grains of a cluster without hosting any: the load generator, tools, edge device gateways. It
/// reads the membership table for the live silos and the directory for where a grain lives; a grain active nowhere is
/// called on a silo chosen by the grain's hash (that silo activates it, or answers where it lives). A call to a silo that
/// cannot be reached waits for its death verdict and goes to the grain's new home.
/// </summary>
public sealed partial class ClusterClient : IAsyncDisposable
{
    private const int MaxMoves = 8;

    private readonly ClusterClientOptions _options;
    private readonly IMembershipTable _membership;
    private readonly IGrainDirectoryTable _directory;
    private readonly ILogger _logger;
    private readonly SiloTransport _transport;
    private readonly RemoteCaller _caller;
    // Where grains live, as far as this process learned: the ones called lately (RecentMap), so that months of calls to
    // grains called once do not pile up.
    private readonly RecentMap<GrainId, GrainLocation> _locations = new(ClusterOptions.LocationCacheGeneration);
    private readonly CancellationTokenSource _stopping = new();
    private volatile MembershipView _view = new(0, DateTimeOffset.MinValue, []);
    private Task? _refresh;

    private ClusterClient(ClusterClientOptions options, IMembershipTable membership, IGrainDirectoryTable directory, GrainTypeRegistry registry, ILogger logger)
    {
        _options = options;
        _membership = membership;
        _directory = directory;
        _logger = logger;

        // The client listens nowhere that matters (a loopback port no silo is told of); the transport needs an address to say hello with.
        _transport = new SiloTransport(
            new SiloTransportOptions { ClusterId = options.ClusterId, ListenEndpoint = new IPEndPoint(IPAddress.Loopback, 0), DefaultRequestTimeout = options.ResponseTimeout },
            handler: null,
            TimeProvider.System);
        _caller = new RemoteCaller(_transport, new RemoteCallCodec(registry, options.JsonSerializerOptions), options.ResponseTimeout);
        var invoker = new Invoker(this);
        GrainFactory = new GrainFactory(registry, () => invoker);
    }

    /// <summary>References to the cluster's grains.</summary>
    public IGrainFactory GrainFactory { get; }

    /// <summary>The live silos as last read.</summary>
    public int LiveSilos => _view.Silos.Count(s => s.Status == SiloStatus.Active);

    /// <summary>Connects: reads the table once (at least one silo must be live) and keeps reading it.</summary>
    /// <param name="grainAssemblies">Assemblies with the grain interfaces and classes called (their generated manifests).</param>
    public static async Task<ClusterClient> ConnectAsync(
        ClusterClientOptions options,
        IMembershipTable membership,
        IGrainDirectoryTable directory,
        IEnumerable<Assembly> grainAssemblies,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(membership);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(grainAssemblies);
        options.Validate();
        var registry = new GrainTypeRegistry(GrainTypeRegistry.DiscoverAssemblies(grainAssemblies));
        var client = new ClusterClient(options, membership, directory, registry, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ClusterClient>());
        client._transport.Start();
        await client.RefreshAsync(cancellationToken).ConfigureAwait(false);
        if (client.LiveSilos == 0)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw new SiloUnavailableException($"Cluster {options.ClusterId} has no live silo.", silo: null);
        }

        client._refresh = Task.Run(() => client.RefreshLoopAsync(client._stopping.Token), CancellationToken.None);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_refresh is not null)
        {
            await _refresh.ConfigureAwait(false);
        }

        await _transport.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RefreshAsync(CancellationToken cancellationToken) =>
        _view = await _membership.ReadAllAsync(_options.ClusterId, cancellationToken).ConfigureAwait(false);

    private async Task RefreshLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.ViewRefresh, cancellationToken).ConfigureAwait(false);
                await RefreshAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogRefreshFailed(_logger, exception);
            }
        }
    }

    /// <summary>The silo's client port, if it has one (from its membership row); null: call on its silo port.</summary>
    private SiloAddress? ClientPortOf(GrainLocation location)
    {
        foreach (var silo in _view.Silos)
        {
            if (silo.Address == location.Address && silo.Generation == location.Generation)
            {
                return silo.ClientAddress is { } client && IPEndPoint.TryParse(client, out var endpoint) ? new SiloAddress(endpoint, silo.Generation) : null;
            }
        }

        return null;
    }

    private bool IsLive(string silo) => _view.Silos.Any(s => s.Silo == silo && s.Status == SiloStatus.Active);

    /// <summary>Where to send a call: the grain's known home if live, else the directory's, else a live silo by the grain's hash.</summary>
    private async ValueTask<GrainLocation> RouteAsync(GrainId grainId)
    {
        if (_locations.TryGetValue(grainId, out var known) && IsLive(known.Silo))
        {
            return known;
        }

        if (await _directory.LookupAsync(_options.ClusterId, grainId, CancellationToken.None).ConfigureAwait(false) is { } registered && IsLive(registered.Silo))
        {
            _locations[grainId] = registered;
            return registered;
        }

        var live = _view.Silos.Where(s => s.Status == SiloStatus.Active).OrderBy(s => s.Silo, StringComparer.Ordinal).ToList();
        if (live.Count == 0)
        {
            throw new SiloUnavailableException($"Cluster {_options.ClusterId} has no live silo.", silo: null);
        }

        var silo = live[(int)(grainId.GetUniformHashCode() % (uint)live.Count)];
        return new GrainLocation(grainId, silo.Address, silo.Generation);
    }

    private async ValueTask<TResult> InvokeAsync<TRequest, TResult>(GrainId grainId, TRequest request)
        where TRequest : struct, IGrainRequest<TResult>
    {
        var rerouteUntil = DateTimeOffset.UtcNow + _options.RerouteWait;
        var moves = 0;
        while (true)
        {
            var target = await RouteAsync(grainId).ConfigureAwait(false);
            try
            {
                var result = await _caller.InvokeAsync<TRequest, TResult>(target, request, ClientPortOf(target)).ConfigureAwait(false);
                _locations[grainId] = target;
                return result;
            }
            catch (GrainMovedException moved) when (moves++ < MaxMoves || DateTimeOffset.UtcNow < rerouteUntil)
            {
                _locations[grainId] = moved.Location;
                if (!IsLive(moved.Location.Silo))
                {
                    // Sent to a silo this client sees dead (the answering silo has not read the verdict yet) or does not
                    // know yet: asked again once the views have moved on.
                    await Task.Delay(TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
                    await RefreshAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (SiloUnavailableException) when (DateTimeOffset.UtcNow < rerouteUntil)
            {
                // Asked again once the table says more: the silo declared dead (its grains go elsewhere) or back.
                _locations.TryRemove(new KeyValuePair<GrainId, GrainLocation>(grainId, target));
                await Task.Delay(TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
                await RefreshAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(1701, LogLevel.Warning, "Cluster client: reading the membership table failed; tried again")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(1702, LogLevel.Warning, "Cluster client: one-way call {Method} to grain {GrainId} failed")]
    private static partial void LogOneWayFailed(ILogger logger, string method, GrainId grainId, Exception exception);

    private sealed class Invoker(ClusterClient client) : IGrainCallInvoker
    {
        public IGrainFactory GrainFactory => client.GrainFactory;

        public ValueTask<TResult> InvokeAsync<TRequest, TResult>(GrainReference target, TRequest request)
            where TRequest : struct, IGrainRequest<TResult> =>
            client.InvokeAsync<TRequest, TResult>(target.GrainId, request);

        public void InvokeOneWay<TRequest>(GrainReference target, TRequest request)
            where TRequest : struct, IGrainRequest<VoidResult> =>
            _ = ObserveAsync(client.InvokeAsync<TRequest, VoidResult>(target.GrainId, request), target.GrainId, request.Method);

        private async Task ObserveAsync(ValueTask<VoidResult> call, GrainId grainId, GrainMethodInfo method)
        {
            try
            {
                await call.ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                LogOneWayFailed(client._logger, method.ActivityName, grainId, exception);
            }
        }
    }
}
