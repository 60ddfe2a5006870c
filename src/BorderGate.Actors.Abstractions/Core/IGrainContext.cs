using BorderGate.Actors.Streams;

namespace BorderGate.Actors;

/// <summary>What the runtime gives one activation of a grain: identity, services, time, timers, reminders, streams.</summary>
public interface IGrainContext
{
    GrainId GrainId { get; }

    IGrainFactory GrainFactory { get; }

    IServiceProvider Services { get; }

    TimeProvider TimeProvider { get; }

    /// <summary>Asks the runtime to deactivate this activation once the current turn ends.</summary>
    void DeactivateOnIdle();

    /// <summary>Keeps the activation alive at least this long, whatever the idle timeout.</summary>
    void DelayDeactivation(TimeSpan timeSpan);

    /// <summary>Registers a timer whose callback runs as a turn of this activation.</summary>
    IGrainTimer RegisterTimer(Func<CancellationToken, Task> callback, GrainTimerOptions options);

    /// <summary>Registers or updates a durable reminder that survives deactivation and process restarts.</summary>
    Task<IGrainReminder> RegisterOrUpdateReminderAsync(string reminderName, TimeSpan dueTime, TimeSpan period);

    Task UnregisterReminderAsync(IGrainReminder reminder);

    Task<IGrainReminder?> GetReminderAsync(string reminderName);

    Task<IReadOnlyList<IGrainReminder>> GetRemindersAsync();

    /// <summary>
    /// A named persistent state made at run time, for a grain that keeps its state in parts whose number its
    /// configuration decides (a queue split in shards, so a change writes one shard). Unlike a constructor's
    /// <see cref="PersistentStateAttribute"/> state it is not read before activation: read it before use.
    /// </summary>
    IPersistentState<TState> CreatePersistentState<TState>(string stateName, string? storageName = null)
        where TState : new();

    /// <summary>The named stream provider registered with the runtime.</summary>
    IStreamProvider GetStreamProvider(string name);
}
