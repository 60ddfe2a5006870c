using BorderGate.Actors.Invocation;
using BorderGate.Actors.State;
using BorderGate.Actors.Streams;
using BorderGate.Actors.Timers;
using BorderGate.Actors.Hosting;

namespace BorderGate.Actors.Runtime;

/// <summary>
/// One activation of a grain: the grain instance, its queue of turns, its state, timers and lifecycle.
/// Split by concern: <c>.MessagePump.cs</c> (turns), <c>.Lifecycle.cs</c> (activate, deactivate, idle), <c>.Logging.cs</c>.
/// </summary>
internal sealed partial class ActivationData : IGrainContext, IGrainActivationContext
{
    private readonly ActorRuntime _runtime;
    private readonly GrainClassInfo _grainClass;
    private object? _grain;
    private List<IPersistentStateLoader>? _states;
    private List<GrainTimer>? _timers;

    public ActivationData(ActorRuntime runtime, GrainId grainId, GrainClassInfo grainClass)
    {
        _runtime = runtime;
        GrainId = grainId;
        _grainClass = grainClass;
        _lastUsedTick = runtime.Catalog.CollectionTick;
    }

    public GrainId GrainId { get; }

    public IGrainFactory GrainFactory => _runtime.GrainFactory;

    public IServiceProvider Services => _runtime.Services;

    public TimeProvider TimeProvider => _runtime.TimeProvider;

    IGrainContext IGrainActivationContext.GrainContext => this;

    /// <summary>The grain instance, once activated.</summary>
    internal object? GrainInstance => _grain;

    public IPersistentState<TState> GetPersistentState<TState>(string stateName, string? storageName)
        where TState : new()
    {
        var state = (PersistentState<TState>)CreatePersistentState<TState>(stateName, storageName);
        (_states ??= []).Add(state);
        return state;
    }

    public IPersistentState<TState> CreatePersistentState<TState>(string stateName, string? storageName = null)
        where TState : new() =>
        new PersistentState<TState>(
            stateName,
            storageName ?? Storage.ProviderNames.Default,
            GrainId,
            _runtime.GetStorage(storageName ?? Storage.ProviderNames.Default, GrainId),
            _runtime.Options.JsonSerializerOptions);

    public IGrainTimer RegisterTimer(Func<CancellationToken, Task> callback, GrainTimerOptions options)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentNullException.ThrowIfNull(options);
        var timer = new GrainTimer(this, callback, options);
        lock (_lock)
        {
            if (_state is ActivationState.Deactivating or ActivationState.Invalid)
            {
                throw new InvalidOperationException($"Grain {GrainId} is deactivating; it cannot register timers.");
            }

            (_timers ??= []).Add(timer);
        }

        timer.Start();
        return timer;
    }

    internal void RemoveTimer(GrainTimer timer)
    {
        lock (_lock)
        {
            _timers?.Remove(timer);
        }
    }

    public Task<IGrainReminder> RegisterOrUpdateReminderAsync(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        _runtime.Reminders.RegisterOrUpdateAsync(GrainId, _grainClass, reminderName, dueTime, period);

    public Task UnregisterReminderAsync(IGrainReminder reminder) => _runtime.Reminders.UnregisterAsync(GrainId, reminder);

    public Task<IGrainReminder?> GetReminderAsync(string reminderName) => _runtime.Reminders.GetAsync(GrainId, reminderName);

    public Task<IReadOnlyList<IGrainReminder>> GetRemindersAsync() => _runtime.Reminders.GetAllAsync(GrainId);

    public IStreamProvider GetStreamProvider(string name) => _runtime.GetStreamProvider(name);

    public override string ToString() => $"Activation {GrainId} ({_state})";
}
