using System.Collections.Concurrent;
using System.Net;
using BorderGate.Actors.Hosting;
using BorderGate.Actors.Invocation;
using BorderGate.Actors.Membership;
using BorderGate.Actors.Networking;
using BorderGate.Actors.Runtime;
using Microsoft.Extensions.Logging;

namespace BorderGate.Actors.Cluster;

/// <summary>
/// A silo's cluster side: the silo-to-silo transport, its membership agent, the grain directory (with a cache of where
/// grains live) and the handling of calls from other silos. Placement: a grain's first call activates it on the caller's
/// silo — the caller is where its callers are, and a call that can run locally costs no network hop — unless the
/// directory already holds it elsewhere, in which case the call goes there.
/// </summary>
internal sealed partial class ClusterSilo : IAsyncDisposable
{
    private readonly ActorRuntime _runtime;
    private readonly ClusterOptions _options;
    private readonly IMembershipTable _membership;
    private readonly IGrainDirectoryTable _directory;
    private readonly ILogger _logger;
    // Where grains live, as far as this process learned: the ones called lately (RecentMap), so that months of calls to
    // grains called once do not pile up.
    private readonly RecentMap<GrainId, GrainLocation> _locations = new(ClusterOptions.LocationCacheGeneration);

    // Releases of directory rows under way, by grain: a new activation of the grain here waits for its predecessor's.
    private readonly ConcurrentDictionary<GrainId, Task> _unregistering = new();
    private readonly HashSet<string> _released = new(StringComparer.Ordinal);
    private readonly Lock _viewGate = new();
    private long _appliedVersion = -1;
    private MembershipAgent? _agent;
    private readonly TransportProber _prober;
    private readonly RemoteCaller _caller;

    // Calls from other silos: their outgoing filters ran on the caller's silo, not again here.
    private readonly LocalGrainCallInvoker _inbound;
    private volatile IReadOnlySet<string> _dead = new HashSet<string>(StringComparer.Ordinal);
    private volatile IReadOnlySet<string> _live = new HashSet<string>(StringComparer.Ordinal);
    private volatile IReadOnlyList<SiloAddress> _peers = [];
    private volatile bool _fenced;
    private volatile bool _stopping;

    public ClusterSilo(ActorRuntime runtime, ClusterOptions options, IMembershipTable membership, IGrainDirectoryTable directory, ILogger logger)
    {
        options.Validate();
        _runtime = runtime;
        _options = options;
        _membership = membership;
        _directory = directory;
        _logger = logger;
        Codec = new RemoteCallCodec(runtime.Registry, runtime.Options.JsonSerializerOptions);
        Transport = new SiloTransport(TransportOptions(options.SiloEndpoint, options.AdvertisedEndpoint, options.Generation), HandleAsync, TimeProvider.System);
        _prober = new TransportProber(Transport);
        _caller = new RemoteCaller(Transport, Codec, options.ResponseTimeout);
        _inbound = new LocalGrainCallInvoker(runtime, applyOutgoingFilters: false);
        Streams = new StreamForwarder(runtime, Transport, () => _peers, logger);
    }

    /// <summary>Streams across silos: news of events appended here sent to the others, theirs handed to subscriptions here.</summary>
    public StreamForwarder Streams { get; }

    public SiloTransport Transport { get; }

    /// <summary>The client port's listener (grain calls of cluster clients only); null when clients call on the silo port.</summary>
    public SiloTransport? ClientTransport { get; private set; }

    public RemoteCallCodec Codec { get; }

    public ClusterOptions Options => _options;

    /// <summary>This incarnation, <c>host:port@generation</c>; known once started.</summary>
    public string Name { get; private set; } = string.Empty;

    public SiloAddress Self => Transport.LocalAddress;

    public MembershipAgent Agent => _agent ?? throw new InvalidOperationException("The silo has not joined its cluster.");

    public bool IsFenced => _fenced;

    /// <summary>The active silos as this one last read them; none before it joined or once it is fenced.</summary>
    public IReadOnlyList<SiloAddress> ActiveSilos() => _agent is { } agent && !_fenced ? agent.ActiveSilos() : [];

    /// <summary>A port of this silo's (the silo port, the client port): the cluster's, its timeout and its limit of calls.</summary>
    private SiloTransportOptions TransportOptions(IPEndPoint listen, IPEndPoint? advertised, long generation) => new()
    {
        ClusterId = _options.ClusterId,
        ListenEndpoint = listen,
        AdvertisedEndpoint = advertised,
        Generation = generation,
        DefaultRequestTimeout = _options.ResponseTimeout,
        MaxConcurrentRequests = _options.MaxConcurrentCalls,
    };

    /// <summary>Starts the silo port and joins the cluster.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Transport.Start();
        Name = Self.ToString();
        if (_options.ClientEndpoint is { } clientEndpoint)
        {
            // The same incarnation on both ports: clients address the generation they read in the membership table.
            ClientTransport = new SiloTransport(
                TransportOptions(clientEndpoint, _options.AdvertisedClientEndpoint, Self.Generation), HandleClientAsync, TimeProvider.System);
            ClientTransport.Start();
        }

        _runtime.Reminders.TellOwner = (owner, grainId, token) => ReminderNotices.TellAsync(Transport, owner, grainId, _options.ResponseTimeout, token);
        _agent = new MembershipAgent(_options.Membership, _membership, _prober, Self, TimeProvider.System, _logger)
        {
            ClientAddress = ClientTransport?.LocalAddress.Endpoint.ToString(),
        };
        _agent.ViewChanged += OnViewChanged;
        await _agent.JoinAsync(cancellationToken).ConfigureAwait(false);
        OnViewChanged(_agent.View!);
        Streams.Start(_options.StreamCatchUpInterval, _options.Membership.TableRefresh * 2);
        _ = _agent.Fenced.ContinueWith(t => OnFenced(t.Result), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        LogStarted(_logger, Name, _options.ClusterId);
    }

    /// <summary>
    /// The runtime begins to stop: from now on the grains active here are served until they are deactivated, but no new one
    /// is activated for another silo or a client (they hear ShuttingDown, wait for this silo to leave and go elsewhere).
    /// Otherwise calls routed here under load would keep the deactivation going round after round, and the activations made
    /// after its last round would be cut off without their hooks.
    /// </summary>
    internal void BeginStopping() => _stopping = true;

    /// <summary>Leaves in order (after the runtime deactivated its grains): marked dead, its directory rows released, the port closed.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Streams.Dispose();
        if (_agent is { IsFenced: false } agent)
        {
            try
            {
                await agent.LeaveAsync(cancellationToken).ConfigureAwait(false);
                await _directory.ReleaseSiloAsync(_options.ClusterId, Self.Endpoint.ToString(), Self.Generation, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The table out: the others declare this silo dead by its lease.
                LogLeaveFailed(_logger, exception, Name);
            }
        }

        await DisposeTransportsAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        Streams.Dispose();
        if (_agent is not null)
        {
            await _agent.DisposeAsync().ConfigureAwait(false);
        }

        await DisposeTransportsAsync().ConfigureAwait(false);
    }

    private async Task DisposeTransportsAsync()
    {
        if (ClientTransport is not null)
        {
            await ClientTransport.DisposeAsync().ConfigureAwait(false);
        }

        await Transport.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Stops as a killed process would (for tests of failover in one process): the silo port closed and the membership
    /// agent stopped without a word to anyone, every activation dropped without its deactivation hook.
    /// </summary>
    internal async Task CrashAsync()
    {
        _fenced = true;
        await _runtime.Reminders.StopAsync().ConfigureAwait(false);
        await DisposeTransportsAsync().ConfigureAwait(false);
        if (_agent is not null)
        {
            await _agent.DisposeAsync().ConfigureAwait(false);
        }

        AbortActivations("crashed");
    }

    /// <summary>Registers a grain about to be activated here; throws <see cref="GrainMovedException"/> if it lives elsewhere.</summary>
    public async Task RegisterActivationAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        if (_fenced)
        {
            throw new SiloUnavailableException($"Silo {Name} is fenced off its cluster and activates no grain.", Name);
        }

        // The row of this grain's previous activation here goes first: released after this registration found it ours, it
        // would leave the new activation without a row, free for another silo to activate the grain a second time.
        if (_unregistering.TryGetValue(grainId, out var released))
        {
            await released.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var owner = await _directory.RegisterAsync(_options.ClusterId, grainId, Self.Endpoint.ToString(), Self.Generation, _dead, cancellationToken).ConfigureAwait(false);
        _locations[grainId] = owner;
        if (owner.Silo != Name)
        {
            throw new GrainMovedException(owner);
        }
    }

    /// <summary>An activation here ended: its directory row released, so that the grain's next call may activate it anywhere.</summary>
    public void UnregisterActivation(GrainId grainId)
    {
        if (_fenced)
        {
            // A fenced silo no longer speaks for its grains: the survivors release its rows.
            return;
        }

        var mine = new GrainLocation(grainId, Self.Endpoint.ToString(), Self.Generation);
        _locations.TryRemove(new KeyValuePair<GrainId, GrainLocation>(grainId, mine));
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _unregistering[grainId] = released.Task;
        _ = UnregisterAsync(mine, released);
    }

    private async Task UnregisterAsync(GrainLocation location, TaskCompletionSource released)
    {
        try
        {
            await _directory.UnregisterAsync(_options.ClusterId, location, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The row stays this silo's: the next activation here finds it its own; elsewhere it is taken over once this
            // silo is dead, or released when it leaves.
            LogUnregisterFailed(_logger, exception, location.GrainId);
        }
        finally
        {
            _unregistering.TryRemove(new KeyValuePair<GrainId, Task>(location.GrainId, released.Task));
            released.SetResult();
        }
    }

    /// <summary>Where a call to the grain goes, if to another live silo; null: try here (unknown, here, or its silo dead).</summary>
    public GrainLocation? RemoteOwner(GrainId grainId) =>
        _locations.TryGetValue(grainId, out var location) && location.Silo != Name && !_dead.Contains(location.Silo) ? location : null;

    public void Remember(GrainLocation location) => _locations[location.GrainId] = location;

    public void Forget(GrainLocation location) => _locations.TryRemove(new KeyValuePair<GrainId, GrainLocation>(location.GrainId, location));

    /// <summary>Sends a call to the silo that holds the grain; <see cref="RemoteAnswer"/> decodes what comes back.</summary>
    public Task<Frame> SendRemote<TRequest, TResult>(GrainLocation owner, TRequest request)
        where TRequest : struct, IGrainRequest<TResult> =>
        _caller.Send<TRequest, TResult>(owner, request);

    /// <summary>The result of a remote call's answer, or the failure it tells of, thrown.</summary>
    public TResult RemoteAnswer<TResult>(GrainLocation owner, Frame answer) => _caller.Answer<TResult>(owner, answer);

    /// <summary>Waits until the silo is declared dead (its grains may then be activated elsewhere), up to <paramref name="until"/>.</summary>
    public async Task<bool> WaitUntilDeadAsync(string silo, DateTimeOffset until)
    {
        while (!_dead.Contains(silo))
        {
            if (DateTimeOffset.UtcNow >= until || _fenced)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50)).ConfigureAwait(false);
        }

        return true;
    }

    private ValueTask<Frame?> HandleAsync(Frame frame, CancellationToken cancellationToken)
    {
        if (TransportProber.Answer(frame, _prober, cancellationToken) is { } membership)
        {
            return membership;
        }

        if (_fenced)
        {
            return FencedAnswer(frame);
        }

        return ReminderNotices.Answer(frame, _runtime.Reminders, cancellationToken) ?? Streams.Receive(frame) ?? HandleGrainCallAsync(frame);
    }

    /// <summary>
    /// A frame on the client port: a grain call, served as one from a silo; the silos' own requests (membership, reminder
    /// notices, stream news) are refused there, so that a client cannot vote, probe or publish as a silo.
    /// </summary>
    private ValueTask<Frame?> HandleClientAsync(Frame frame, CancellationToken cancellationToken)
    {
        if (frame.TargetType is TransportProber.TargetType or ReminderNotices.TargetType or StreamForwarder.TargetType)
        {
            LogSiloRequestOnClientPort(_logger, frame.TargetType, frame.Sender?.ToString());
            return ValueTask.FromResult<Frame?>(
                Frame.ErrorTo(frame.CorrelationId, TransportErrorCode.HandlerFailed, $"'{frame.TargetType}' requests are served on the silo port only, not the client port."));
        }

        if (_fenced)
        {
            return FencedAnswer(frame);
        }

        return HandleGrainCallAsync(frame);
    }

    private ValueTask<Frame?> FencedAnswer(Frame frame) =>
        ValueTask.FromResult<Frame?>(Frame.ErrorTo(frame.CorrelationId, TransportErrorCode.ShuttingDown, $"Silo {Name} is fenced off its cluster."));

    /// <summary>A call from another silo: run on the local activation, or sent back with where the grain lives.</summary>
    private async ValueTask<Frame?> HandleGrainCallAsync(Frame frame)
    {
        GrainMethodEntry method;
        object?[] arguments;
        GrainId grainId;
        try
        {
            if (string.IsNullOrEmpty(frame.TargetType) || string.IsNullOrEmpty(frame.TargetKey))
            {
                throw new RemoteCallFormatException("A grain call must name its grain's type and key.");
            }

            grainId = new GrainId(frame.TargetType, frame.TargetKey);
            method = Codec.Method(frame.Method);
            arguments = Codec.DecodeArguments(method, frame.Payload.Span);
        }
        catch (RemoteCallFormatException exception)
        {
            LogBadCall(_logger, frame.Sender?.ToString(), exception.Message);
            return RemoteCaller.Failed(frame, exception);
        }

        if (RemoteOwner(grainId) is { } elsewhere && _live.Contains(elsewhere.Silo))
        {
            return RemoteCaller.Moved(frame, elsewhere);
        }

        if (_stopping && !_runtime.Catalog.TryGet(grainId, out _))
        {
            return Frame.ErrorTo(frame.CorrelationId, TransportErrorCode.ShuttingDown, $"Silo {Name} is stopping and activates no more grains.");
        }

        try
        {
            var reference = _runtime.Registry.GetProxyFactory(method.Method.InterfaceType)(_inbound, grainId);
            var result = await method.Invoke(reference, arguments).ConfigureAwait(false);
            return Frame.ResponseTo(frame, Codec.EncodeResult(method, result));
        }
        catch (GrainMovedException moved)
        {
            return RemoteCaller.Moved(frame, moved.Location);
        }
        catch (Exception exception)
        {
            return RemoteCaller.Failed(frame, exception);
        }
    }

    /// <summary>
    /// A new view: the reminders' ring rebuilt from the active silos (a dead silo's reminders taken by the survivors);
    /// silos newly dead forgotten as grains' homes, and their directory rows released (any silo may; it is idempotent).
    /// </summary>
    internal void OnViewChanged(MembershipView view)
    {
        // The view read at the start and the first ones of the agent's loop may come in either order: an older one
        // applied last would leave the dead, the ring and the peers outdated until the next change.
        lock (_viewGate)
        {
            if (view.Version < _appliedVersion)
            {
                return;
            }

            _appliedVersion = view.Version;
            Apply(view);
        }
    }

    private void Apply(MembershipView view)
    {
        if (!_fenced)
        {
            _runtime.Reminders.SetRing(new HashRing(view.Silos.Where(s => s.Status == SiloStatus.Active).Select(s => s.Silo)), Name);
        }

        var dead = view.Silos.Where(s => s.Status == SiloStatus.Dead).Select(s => s.Silo).ToHashSet(StringComparer.Ordinal);
        _live = view.Silos.Where(s => s.Status != SiloStatus.Dead).Select(s => s.Silo).ToHashSet(StringComparer.Ordinal);
        _peers = [.. view.Silos.Where(s => s.Status != SiloStatus.Dead && s.Silo != Name).Select(MembershipAgent.AddressOf).OfType<SiloAddress>()];
        var newlyDead = dead.Except(_dead).Any();
        _dead = dead;
        if (newlyDead)
        {
            // Events their publisher appended but had not told of before it died: read from the log now.
            Streams.CatchUpSoon();
        }

        foreach (var entry in view.Silos.Where(s => s.Status == SiloStatus.Dead && s.Silo != Name))
        {
            lock (_released)
            {
                if (!_released.Add(entry.Silo))
                {
                    continue;
                }
            }

            foreach (var (grain, location) in _locations)
            {
                if (location.Silo == entry.Silo)
                {
                    _locations.TryRemove(new KeyValuePair<GrainId, GrainLocation>(grain, location));
                }
            }

            _ = ReleaseAsync(entry);
        }
    }

    private async Task ReleaseAsync(SiloEntry dead)
    {
        try
        {
            var released = await _directory.ReleaseSiloAsync(_options.ClusterId, dead.Address, dead.Generation, CancellationToken.None).ConfigureAwait(false);
            LogReleased(_logger, Name, dead.Silo, released);
        }
        catch (Exception exception)
        {
            // Its rows are taken over one by one as their grains are called (a dead holder's row is taken over).
            LogReleaseFailed(_logger, exception, dead.Silo);
            lock (_released)
            {
                _released.Remove(dead.Silo);
            }
        }
    }

    /// <summary>Declared dead or its lease lost: this silo stops serving at once — no grain runs here any more.</summary>
    private void OnFenced(string reason)
    {
        _fenced = true;
        _ = _runtime.Reminders.StopAsync();
        AbortActivations($"was fenced off its cluster ({reason})");
        _ = DisposeTransportsAsync();
        _runtime.OnFenced(reason);
    }

    /// <summary>Every activation here dropped at once, without its deactivation hook (no write), its waiting calls failed.</summary>
    private void AbortActivations(string what)
    {
        var failure = new SiloUnavailableException($"Silo {Name} {what}.", Name);
        foreach (var activation in _runtime.Catalog.Activations.ToList())
        {
            activation.Abort(failure);
        }
    }

    [LoggerMessage(1607, LogLevel.Warning, "A '{TargetType}' request came on the client port from {Sender}: refused (silo port only)")]
    private static partial void LogSiloRequestOnClientPort(ILogger logger, string? targetType, string? sender);

    [LoggerMessage(1601, LogLevel.Information, "Silo {Silo} serves in cluster {ClusterId}")]
    private static partial void LogStarted(ILogger logger, string silo, string clusterId);

    [LoggerMessage(1602, LogLevel.Warning, "Silo {Silo} could not leave its cluster in order; the others will declare it dead by its lease")]
    private static partial void LogLeaveFailed(ILogger logger, Exception exception, string silo);

    [LoggerMessage(1603, LogLevel.Warning, "Grain {GrainId}: its directory row could not be released")]
    private static partial void LogUnregisterFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(1604, LogLevel.Warning, "A call from silo {Sender} could not be read: {Reason}")]
    private static partial void LogBadCall(ILogger logger, string? sender, string reason);

    [LoggerMessage(1605, LogLevel.Information, "Silo {Silo} released {Count} directory rows of dead silo {Dead}")]
    private static partial void LogReleased(ILogger logger, string silo, string dead, int count);

    [LoggerMessage(1606, LogLevel.Warning, "The directory rows of dead silo {Dead} could not be released; taken over one by one")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string dead);
}
