using System.Diagnostics;
using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace BorderGate.Grains.Devices;

/// <summary>
/// The grain of one device (key "{crossingId}/{deviceId}"): sends commands through the device link with
/// a per-attempt acknowledgement timeout and bounded retry, remembers outcomes by command id (stored on the next
/// liveness check, not per command), watches
/// liveness, and hands telemetry, faults and liveness changes to the device's owner.
/// </summary>
internal sealed partial class DeviceGrain : Grain, IDeviceGrain
{
    private readonly IPersistentState<DeviceGrainState> _state;
    private readonly IDeviceRegistry _registry;
    private readonly IDeviceLink _link;
    private readonly IDeviceOwnerResolver _owners;
    private readonly DeviceGrainOptions _options;
    private readonly ILogger<DeviceGrain> _logger;
    private readonly string _crossingId;
    private readonly string _deviceId;
    private readonly Dictionary<string, CommandResult> _outcomes = new(StringComparer.Ordinal);
    private readonly Queue<string> _outcomeOrder = new();
    private readonly Dictionary<string, string> _lastTelemetry = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private DeviceInfo _info = null!;
    private TagList _tags;
    private TimeSpan _staleAfter;
    private ResiliencePipeline<DeviceAck> _pipeline = null!;
    private IDeviceEventSink? _owner;
    private IGrainTimer? _livenessTimer;
    private DeviceHealth _health = DeviceHealth.Unknown;
    private DeviceFaultRecord? _fault;
    private DateTimeOffset? _lastSeen;
    private DateTimeOffset _activatedAt;
    private bool _outcomesUnsaved;

    public DeviceGrain(
        IDeviceRegistry registry,
        IDeviceLink link,
        IDeviceOwnerResolver owners,
        IOptions<DeviceGrainOptions> options,
        ILogger<DeviceGrain> logger,
        [PersistentState("device")] IPersistentState<DeviceGrainState> state)
    {
        _registry = registry;
        _link = link;
        _owners = owners;
        _options = options.Value;
        _logger = logger;
        _state = state;
        var slash = GrainKey.IndexOf('/', StringComparison.Ordinal);
        _crossingId = slash > 0 ? GrainKey[..slash] : string.Empty;
        _deviceId = slash > 0 ? GrainKey[(slash + 1)..] : GrainKey;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _options.Validate();
        _info = _registry.Find(_crossingId, _deviceId)
            ?? throw new InvalidOperationException(
                $"Device grain '{GrainKey}' names no device of a known site layout (key: CrossingIds.Device(crossingId, deviceId)).");
        _staleAfter = _registry.StaleAfter(_crossingId);
        _tags = new TagList { { Diagnostics.DeviceIdTag, _deviceId }, { Diagnostics.DeviceKindTag, _info.Kind.ToString() } };
        _pipeline = BuildPipeline();
        _activatedAt = TimeProvider.GetUtcNow();
        _fault = _state.State.Fault;
        if (_fault is not null)
        {
            _health = DeviceHealth.Faulted;
        }

        foreach (var outcome in _state.State.RecentOutcomes)
        {
            Remember(outcome);
        }

        _livenessTimer = RegisterGrainTimer(CheckLivenessAsync, new GrainTimerOptions
        {
            DueTime = _options.LivenessCheckInterval,
            Period = _options.LivenessCheckInterval,
            KeepAlive = true,
        });
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _livenessTimer?.Dispose();
        if (_outcomesUnsaved)
        {
            await PersistAsync();
        }
    }

    public async Task<CommandResult> Execute(DeviceCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentException.ThrowIfNullOrEmpty(command.CommandId);
        if (_outcomes.TryGetValue(command.CommandId, out var earlier))
        {
            LogRepeatedCommand(_deviceId, command.CommandId, earlier.Outcome);
            return earlier;
        }

        var unavailable = UnavailableReason();
        if (unavailable is not null)
        {
            // Nothing was sent, so the same command id may be tried again later: not remembered.
            Count(CommandOutcome.Unavailable, command.Name);
            LogCommandRefused(_deviceId, command.CommandId, command.Name, unavailable);
            return new CommandResult(command.CommandId, CommandOutcome.Unavailable, unavailable, 0, TimeProvider.GetUtcNow());
        }

        using var activity = Diagnostics.ActivitySource.StartActivity(Diagnostics.DeviceCommandActivity);
        activity?.SetTag(Diagnostics.DeviceIdTag, _deviceId);
        activity?.SetTag(Diagnostics.CommandNameTag, command.Name);
        activity?.SetTag(Diagnostics.CommandIdTag, command.CommandId);

        var attempts = 0;
        CommandOutcome outcome;
        string? error;
        try
        {
            var ack = await _pipeline.ExecuteAsync(
                async cancellationToken =>
                {
                    Interlocked.Increment(ref attempts);
                    var started = TimeProvider.GetTimestamp();
                    var reply = await _link.SendAsync(_deviceId, command, cancellationToken).ConfigureAwait(false);
                    Diagnostics.DeviceAckLatency.Record(TimeProvider.GetElapsedTime(started).TotalMilliseconds, _tags);
                    return reply;
                },
                CancellationToken.None);
            (outcome, error) = ack.Ok ? (CommandOutcome.Acknowledged, null) : (CommandOutcome.Rejected, ack.Error ?? "rejected by the device");
        }
        catch (TimeoutRejectedException)
        {
            (outcome, error) = (CommandOutcome.TimedOut, $"no acknowledgement within {_options.AckTimeout.TotalMilliseconds:0} ms after {attempts} attempt(s)");
        }
        catch (DeviceUnavailableException exception)
        {
            (outcome, error) = (CommandOutcome.Unavailable, exception.Message);
        }

        var result = new CommandResult(command.CommandId, outcome, error, attempts, TimeProvider.GetUtcNow());
        activity?.SetTag(Diagnostics.OutcomeTag, outcome.ToString());
        activity?.SetTag(Diagnostics.AttemptsTag, attempts);
        if (outcome != CommandOutcome.Acknowledged)
        {
            activity?.SetStatus(ActivityStatusCode.Error, error);
        }

        Count(outcome, command.Name);
        LogCommandDone(_deviceId, command.CommandId, command.Name, outcome, attempts, error);

        // Stored on the next liveness check, with a fault, or on deactivation, not before the answer: the caller does not
        // wait for a commit per command. A crash in between forgets at most a second's outcomes, and a command id sent
        // again after that is safe: the protocol has the device acknowledge a repeated id with its first result.
        Remember(result);
        _outcomesUnsaved = true;
        return result;
    }

    public Task<DeviceStatus> Status() =>
        Task.FromResult(new DeviceStatus(_deviceId, _info.Kind, _health, _lastSeen, _fault?.Code, new Dictionary<string, string>(_lastTelemetry, StringComparer.Ordinal)));

    public async Task OnTelemetry(string name, IReadOnlyDictionary<string, string> data, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(data);
        await SeenAsync();
        foreach (var (key, value) in data)
        {
            _lastTelemetry[$"{name}.{key}"] = value;
        }

        await ForwardAsync(new DeviceEvent(_deviceId, _info.Kind, name, data, at));
    }

    public Task OnFault(string code, string message, DateTimeOffset at) =>
        OnFaultWithData(code, message, new Dictionary<string, string>(StringComparer.Ordinal), at);

    public async Task OnFaultWithData(string code, string message, IReadOnlyDictionary<string, string> data, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(data);
        _lastSeen = TimeProvider.GetUtcNow();
        _health = DeviceHealth.Faulted;
        _fault = new DeviceFaultRecord(code, message, at);
        var faultTags = _tags;
        faultTags.Add(Diagnostics.FaultCodeTag, code);
        Diagnostics.DeviceFaults.Add(1, faultTags);
        LogFault(_deviceId, code, message);
        await PersistAsync();
        await RaiseAlarmAsync(code, message, at);
        var eventData = new Dictionary<string, string>(data, StringComparer.Ordinal) { ["message"] = message };
        await ForwardAsync(new DeviceEvent(_deviceId, _info.Kind, code, eventData, at, IsFault: true));
    }

    public Task OnHeartbeat(DateTimeOffset at) => SeenAsync();

    public async Task OnConnectionChanged(bool connected, DateTimeOffset at)
    {
        LogConnectionChanged(_deviceId, connected);
        if (connected)
        {
            await SeenAsync();
            return;
        }

        if (_health is DeviceHealth.Online or DeviceHealth.Unknown)
        {
            _health = DeviceHealth.Offline;
            await ForwardAsync(new DeviceEvent(_deviceId, _info.Kind, DeviceEventNames.Offline, new Dictionary<string, string>(StringComparer.Ordinal), at, IsFault: true));
        }
    }

    public async Task ClearFault()
    {
        if (_fault is null)
        {
            return;
        }

        LogFaultCleared(_deviceId, _fault.Code);
        _fault = null;
        _health = _link.IsConnected(_deviceId) ? DeviceHealth.Online : DeviceHealth.Offline;
        await PersistAsync();
        await ForwardAsync(new DeviceEvent(_deviceId, _info.Kind, DeviceEventNames.FaultCleared, new Dictionary<string, string>(StringComparer.Ordinal), TimeProvider.GetUtcNow()));
    }

    private string? UnavailableReason() => _health switch
    {
        DeviceHealth.Faulted => $"device is faulted ({_fault?.Code})",
        DeviceHealth.Stale => "device is stale",
        _ when !_link.IsConnected(_deviceId) => "device is not connected",
        _ => null,
    };

    private async Task SeenAsync()
    {
        var now = TimeProvider.GetUtcNow();
        _lastSeen = now;
        var previous = _health;
        if (previous is DeviceHealth.Unknown or DeviceHealth.Stale or DeviceHealth.Offline)
        {
            _health = DeviceHealth.Online;

            // Also after a restart (Unknown): the owner may still hold this device as offline from before.
            LogBackOnline(_deviceId, previous);
            await ForwardAsync(new DeviceEvent(_deviceId, _info.Kind, DeviceEventNames.Online, new Dictionary<string, string>(StringComparer.Ordinal), now));
        }
    }

    private async Task CheckLivenessAsync(CancellationToken cancellationToken)
    {
        if (_outcomesUnsaved)
        {
            try
            {
                await PersistAsync();
            }
            catch (Exception exception)
            {
                // Storage out: the outcomes stay in memory and are tried again next time; liveness is watched all the same.
                LogOutcomesNotStored(exception, _deviceId);
            }
        }

        if (_health is DeviceHealth.Faulted or DeviceHealth.Stale)
        {
            return;
        }

        var now = TimeProvider.GetUtcNow();
        var silentFor = now - (_lastSeen ?? _activatedAt);
        if (silentFor < _staleAfter)
        {
            return;
        }

        _health = DeviceHealth.Stale;
        Diagnostics.DeviceStale.Add(1, _tags);
        LogStale(_deviceId, silentFor);
        var message = $"no message for {silentFor.TotalSeconds:0.#} s (limit {_staleAfter.TotalSeconds:0.#} s)";
        await RaiseAlarmAsync(DeviceEventNames.Stale, message, now);
        await ForwardAsync(new DeviceEvent(
            _deviceId,
            _info.Kind,
            DeviceEventNames.Stale,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["message"] = message },
            now,
            IsFault: true));
    }

    private async Task ForwardAsync(DeviceEvent deviceEvent)
    {
        Diagnostics.DeviceEvents.Add(1, _tags);
        try
        {
            _owner ??= _owners.Resolve(GrainFactory, _info);
            await _owner.OnDeviceEvent(deviceEvent.ReceivedAt is null ? deviceEvent with { ReceivedAt = TimeProvider.GetUtcNow() } : deviceEvent);
        }
        catch (Exception exception)
        {
            LogForwardFailed(exception, _deviceId, deviceEvent.Name, _info.OwnerKind, _info.OwnerKey);
        }
    }

    private async Task RaiseAlarmAsync(string code, string message, DateTimeOffset at)
    {
        try
        {
            var alarm = new DeviceAlarm(_crossingId, _deviceId, _info.Kind, code, message, at);
            await GetStreamProvider(_options.AlarmStreamProvider).GetStream<DeviceAlarm>(DeviceAlarm.StreamFor(_crossingId)).OnNextAsync(alarm);

            // Into the control room's alarm book, where it stays until an operator acknowledges it.
            await GrainFactory.GetGrain<IAlarmBookGrain>(_crossingId).Raise(alarm);
        }
        catch (Exception exception)
        {
            LogAlarmFailed(exception, _deviceId, code);
        }
    }

    private void Remember(CommandResult result)
    {
        if (!_outcomes.TryAdd(result.CommandId, result))
        {
            return;
        }

        _outcomeOrder.Enqueue(result.CommandId);
        while (_outcomeOrder.Count > _options.RememberedCommands)
        {
            _outcomes.Remove(_outcomeOrder.Dequeue());
        }
    }

    private async Task PersistAsync()
    {
        // Fault reports interleave with commands; their writes go one after the other so that the
        // second does not lose the ETag race to the first.
        await _writeLock.WaitAsync();
        try
        {
            _state.State = new DeviceGrainState
            {
                Fault = _fault,
                RecentOutcomes = [.. _outcomeOrder.Select(id => _outcomes[id])],
            };
            _outcomesUnsaved = false;
            await _state.WriteStateAsync();
        }
        catch
        {
            _outcomesUnsaved = true;
            throw;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void Count(CommandOutcome outcome, string commandName)
    {
        var tags = _tags;
        tags.Add(Diagnostics.CommandNameTag, commandName);
        tags.Add(Diagnostics.OutcomeTag, outcome.ToString());
        Diagnostics.DeviceCommands.Add(1, tags);
    }

    private ResiliencePipeline<DeviceAck> BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder<DeviceAck> { TimeProvider = TimeProvider };
        if (_options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<DeviceAck>
            {
                ShouldHandle = new PredicateBuilder<DeviceAck>().Handle<TimeoutRejectedException>(),
                MaxRetryAttempts = _options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = _options.RetryBaseDelay,
                UseJitter = false,
                OnRetry = args =>
                {
                    Diagnostics.DeviceRetries.Add(1, _tags);
                    LogRetry(_deviceId, args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            });
        }

        return builder
            .AddTimeout(new TimeoutStrategyOptions { Timeout = _options.AckTimeout })
            .Build();
    }
}
