namespace BorderGate.Actors.Tests.Grains;

public interface ITimerGrain : IGrainWithStringKey
{
    Task Start(TimeSpan dueTime, TimeSpan period);

    Task StopTimer();

    Task<int> Ticks();

    /// <summary>Times a tick ran while a call was inside the grain (must stay 0).</summary>
    Task<int> Overlaps();

    Task<int> SlowCall(int yields);
}

public sealed class TimerGrain : Grain, ITimerGrain
{
    private IGrainTimer? _timer;
    private int _ticks;
    private bool _inCall;
    private int _overlaps;

    public Task Start(TimeSpan dueTime, TimeSpan period)
    {
        _timer?.Dispose();
        _timer = RegisterGrainTimer(_ =>
        {
            if (_inCall)
            {
                _overlaps++;
            }

            _ticks++;
            return Task.CompletedTask;
        }, new GrainTimerOptions { DueTime = dueTime, Period = period, KeepAlive = true });
        return Task.CompletedTask;
    }

    public Task StopTimer()
    {
        _timer?.Dispose();
        _timer = null;
        return Task.CompletedTask;
    }

    public Task<int> Ticks() => Task.FromResult(_ticks);

    public Task<int> Overlaps() => Task.FromResult(_overlaps);

    public async Task<int> SlowCall(int yields)
    {
        _inCall = true;
        for (var i = 0; i < yields; i++)
        {
            await Task.Yield();
        }

        _inCall = false;
        return _ticks;
    }
}

public interface IReminderGrain : IGrainWithStringKey
{
    Task Register(string name, TimeSpan dueTime, TimeSpan period);

    Task Unregister(string name);

    Task<IReadOnlyList<string>> ReminderNames();
}

public sealed class ReminderGrain(Probe probe) : Grain, IReminderGrain, IRemindable
{
    public Task Register(string name, TimeSpan dueTime, TimeSpan period) => RegisterOrUpdateReminder(name, dueTime, period);

    public async Task Unregister(string name)
    {
        var reminder = await GetReminder(name);
        if (reminder is not null)
        {
            await UnregisterReminder(reminder);
        }
    }

    public async Task<IReadOnlyList<string>> ReminderNames() =>
        [.. (await GrainContext.GetRemindersAsync()).Select(r => r.ReminderName)];

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        probe.Record($"reminder {GrainKey} {reminderName}");
        return Task.CompletedTask;
    }
}

public interface INotRemindableGrain : IGrainWithStringKey
{
    Task Register();
}

public sealed class NotRemindableGrain : Grain, INotRemindableGrain
{
    public Task Register() => RegisterOrUpdateReminder("r", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
}

/// <summary>
/// A timer whose first tick waits until the test lets it go (by grain key). Its ticks are counted outside the grain,
/// since a call to it would wait behind the held tick.
/// </summary>
public interface IHeldTickGrain : IGrainWithStringKey
{
    Task Start(TimeSpan period);
}

public sealed class HeldTickGrain : Grain, IHeldTickGrain
{
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> FirstTickHeld = new(StringComparer.Ordinal);

    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Ticks = new(StringComparer.Ordinal);

    public Task Start(TimeSpan period)
    {
        RegisterGrainTimer(async _ =>
        {
            if (Ticks.AddOrUpdate(GrainKey, 1, (_, n) => n + 1) == 1 && FirstTickHeld.TryGetValue(GrainKey, out var held))
            {
                await held.Task;
            }
        }, new GrainTimerOptions { DueTime = period, Period = period, KeepAlive = true });
        return Task.CompletedTask;
    }
}
