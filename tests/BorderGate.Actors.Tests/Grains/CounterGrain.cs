namespace BorderGate.Actors.Tests.Grains;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Add(int amount);

    Task<int> Get();

    ValueTask<int> GetFast();

    ValueTask Touch();

    Task Fail(string message);

    Task<string> Echo(string text, int times = 1);

    Task RequestDeactivation();

    Task KeepAliveFor(TimeSpan time);

    [OneWay]
    Task FireAndForget(int amount);
}

public sealed class CounterGrain(Probe probe) : Grain, ICounterGrain
{
    private int _value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Record($"activate {GrainKey}");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Record($"deactivate {GrainKey} {reason}");
        return Task.CompletedTask;
    }

    public Task<int> Add(int amount) => Task.FromResult(_value += amount);

    public Task<int> Get() => Task.FromResult(_value);

    public ValueTask<int> GetFast() => ValueTask.FromResult(_value);

    public ValueTask Touch() => ValueTask.CompletedTask;

    public Task Fail(string message) => throw new InvalidOperationException(message);

    public async Task<string> Echo(string text, int times = 1)
    {
        await Task.Yield();
        return string.Concat(Enumerable.Repeat(text, times));
    }

    public Task RequestDeactivation()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task KeepAliveFor(TimeSpan time)
    {
        DelayDeactivation(time);
        return Task.CompletedTask;
    }

    public Task FireAndForget(int amount)
    {
        _value += amount;
        probe.Record($"oneway {GrainKey} {amount}");
        return Task.CompletedTask;
    }
}

/// <summary>Declared with no grain class: calls must fail clearly.</summary>
public interface IOrphanGrain : IGrainWithStringKey
{
    Task Ping();
}
