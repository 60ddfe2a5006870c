using BorderGate.Actors.Streams;

namespace BorderGate.Actors;

/// <summary>
/// Base class of grain implementations. Instances are created only by the runtime, one per activation;
/// all code of a grain runs in turns, one at a time.
/// </summary>
public abstract class Grain
{
    /// <summary>Binds the new instance to the activation the runtime is creating on this thread.</summary>
    protected Grain()
    {
        GrainContext = GrainContextScope.Current
            ?? throw new InvalidOperationException(
                $"{GetType().Name} is a grain: grains are created by the runtime, get one with IGrainFactory.GetGrain<T>(key).");
    }

    /// <summary>The activation's context.</summary>
    public IGrainContext GrainContext { get; }

    public GrainId GrainId => GrainContext.GrainId;

    /// <summary>The key this grain was addressed with.</summary>
    public string GrainKey => GrainContext.GrainId.Key;

    protected IGrainFactory GrainFactory => GrainContext.GrainFactory;

    protected IServiceProvider ServiceProvider => GrainContext.Services;

    protected TimeProvider TimeProvider => GrainContext.TimeProvider;

    /// <summary>Runs after state is read and before the first call is delivered.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs before the activation is dropped (idle, asked for, or runtime shutdown).</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    protected void DeactivateOnIdle() => GrainContext.DeactivateOnIdle();

    protected void DelayDeactivation(TimeSpan timeSpan) => GrainContext.DelayDeactivation(timeSpan);

    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        GrainContext.RegisterTimer(callback, new GrainTimerOptions { DueTime = dueTime, Period = period });

    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, GrainTimerOptions options) =>
        GrainContext.RegisterTimer(callback, options);

    /// <summary>
    /// Runs <paramref name="work"/> once, in a turn of its own, <paramref name="dueTime"/> from now (zero: after the current
    /// turn), so that whoever called gets an answer without waiting for the work. Disposing the returned timer before then
    /// cancels the work; the timer disposes itself once the work is done. A failure is logged like a timer's.
    /// </summary>
    protected IGrainTimer RunOnce(Func<Task> work, TimeSpan dueTime)
    {
        ArgumentNullException.ThrowIfNull(work);
        IGrainTimer? timer = null;
        timer = GrainContext.RegisterTimer(
            async _ =>
            {
                try
                {
                    await work();
                }
                finally
                {
                    timer?.Dispose();
                }
            },
            new GrainTimerOptions { DueTime = dueTime, Period = Timeout.InfiniteTimeSpan });
        return timer;
    }

    protected Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        GrainContext.RegisterOrUpdateReminderAsync(reminderName, dueTime, period);

    protected Task UnregisterReminder(IGrainReminder reminder) => GrainContext.UnregisterReminderAsync(reminder);

    protected Task<IGrainReminder?> GetReminder(string reminderName) => GrainContext.GetReminderAsync(reminderName);

    protected IStreamProvider GetStreamProvider(string name) => GrainContext.GetStreamProvider(name);
}
