using System.Collections.Concurrent;

namespace BorderGate.Actors.Tests.Grains;

/// <summary>Records the order its calls ran in; <see cref="Hold"/> keeps the grain busy until the test lets it go.</summary>
public interface IPriorityGrain : IGrainWithStringKey
{
    Task Hold();

    Task Ordinary(int id);

    [Priority]
    Task Urgent(int id);

    [OneWay]
    Task Note(int id);

    /// <summary>Arms a single priority timer tick that records "t", then holds the grain like <see cref="Hold"/>.</summary>
    Task HoldWithTick(TimeSpan due);

    Task<IReadOnlyList<string>> Order();
}

public sealed class PriorityGrain : Grain, IPriorityGrain
{
    public static readonly ConcurrentDictionary<string, TaskCompletionSource> Held = new(StringComparer.Ordinal);

    /// <summary>The grain <paramref name="key"/>, busy in a <see cref="Hold"/> call until <c>Release</c> is completed.</summary>
    public static (IPriorityGrain Grain, Task Holding, TaskCompletionSource Release) Busy(IGrainFactory grains, string key)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Held[key] = release;
        var grain = grains.GetGrain<IPriorityGrain>(key);
        return (grain, grain.Hold(), release);
    }

    private readonly List<string> _order = [];

    public async Task Hold()
    {
        if (Held.TryGetValue(GrainKey, out var held))
        {
            await held.Task;
        }
    }

    public Task Ordinary(int id)
    {
        _order.Add($"o{id}");
        return Task.CompletedTask;
    }

    public Task HoldWithTick(TimeSpan due)
    {
        RegisterGrainTimer(_ =>
        {
            _order.Add("t");
            return Task.CompletedTask;
        }, new GrainTimerOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan, Priority = true });
        return Hold();
    }

    public Task Note(int id)
    {
        _order.Add($"n{id}");
        return Task.CompletedTask;
    }

    public Task Urgent(int id)
    {
        _order.Add($"u{id}");
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> Order() => Task.FromResult<IReadOnlyList<string>>([.. _order]);
}
