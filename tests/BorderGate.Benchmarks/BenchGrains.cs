using BorderGate.Actors;

namespace BorderGate.Benchmarks;

public interface IPingGrain : IGrainWithStringKey
{
    ValueTask<int> Ping(int value);

    /// <summary>Awaits once inside the grain: the call leaves the caller's thread and resumes through the activation's queue.</summary>
    Task<int> PingAsync(int value);
}

public sealed class PingGrain : Grain, IPingGrain
{
    private int _calls;

    public static long Total;

    public ValueTask<int> Ping(int value)
    {
        Interlocked.Increment(ref Total);
        return ValueTask.FromResult(value + ++_calls);
    }

    public async Task<int> PingAsync(int value)
    {
        await Task.Yield();
        return value + ++_calls;
    }
}

public sealed class SmallState
{
    public int Count { get; set; }

    public string? Plate { get; set; }
}

public interface IStatefulGrain : IGrainWithStringKey
{
    ValueTask<int> Read();

    Task<int> Write(int value);
}

public sealed class StatefulGrain([PersistentState("small")] IPersistentState<SmallState> state) : Grain, IStatefulGrain
{
    public ValueTask<int> Read() => ValueTask.FromResult(state.State.Count);

    public async Task<int> Write(int value)
    {
        state.State.Count += value;
        state.State.Plate = "29C-123.45";
        await state.WriteStateAsync();
        return state.State.Count;
    }
}
