namespace BorderGate.Actors.Tests.Grains;

public interface ITurnProbeGrain : IGrainWithStringKey
{
    /// <summary>Enters, yields <paramref name="yields"/> times, leaves; returns how many calls were inside at once at most.</summary>
    Task<int> Work(int yields);

    [ReadOnly]
    Task<int> Read(int yields);

    [AlwaysInterleave]
    Task<int> Peek();

    Task<int> MaxInside();

    /// <summary>As <see cref="Work"/>, sent one-way; counts the calls done.</summary>
    [OneWay]
    Task WorkOneWay(int yields);

    Task<int> OneWayDone();

    /// <summary>Times two threads ran code of this grain at the same moment (must stay 0).</summary>
    Task<int> ThreadOverlaps();
}

public interface IReentrantProbeGrain : ITurnProbeGrain;

public class TurnProbeGrain : Grain, ITurnProbeGrain
{
    private int _inside;
    private int _maxInside;
    private int _running;
    private int _overlaps;
    private int _oneWayDone;

    public Task<int> Work(int yields) => Enter(yields);

    public Task<int> Read(int yields) => Enter(yields);

    public Task<int> Peek() => Task.FromResult(_inside);

    public Task<int> MaxInside() => Task.FromResult(_maxInside);

    public async Task WorkOneWay(int yields)
    {
        await Enter(yields);
        _oneWayDone++;
    }

    public Task<int> OneWayDone() => Task.FromResult(_oneWayDone);

    public Task<int> ThreadOverlaps() => Task.FromResult(_overlaps);

    private async Task<int> Enter(int yields)
    {
        Step(() => _maxInside = Math.Max(_maxInside, ++_inside));
        for (var i = 0; i < yields; i++)
        {
            await Task.Yield();
            Step(() => { });
        }

        Step(() => _inside--);
        return _maxInside;
    }

    // Detects two threads inside the grain at once: the synchronous section spins a little so an overlap would show.
    private void Step(Action action)
    {
        if (Interlocked.Increment(ref _running) != 1)
        {
            Interlocked.Increment(ref _overlaps);
        }

        action();
        Thread.SpinWait(200);
        Interlocked.Decrement(ref _running);
    }
}

[GrainType("reentrant-probe")]
[Reentrant]
public sealed class ReentrantProbeGrain : TurnProbeGrain, IReentrantProbeGrain;

public interface IOneWaySenderGrain : IGrainWithStringKey
{
    /// <summary>Sends <paramref name="count"/> one-way calls to the probe <paramref name="target"/> from this one turn.</summary>
    Task Send(string target, int count, int yields);

    /// <summary>Makes <paramref name="count"/> calls to the probe <paramref name="target"/> side by side from this one turn and awaits them all.</summary>
    Task<int[]> CallSideBySide(string target, int count, int yields);
}

public sealed class OneWaySenderGrain : Grain, IOneWaySenderGrain
{
    public async Task Send(string target, int count, int yields)
    {
        var probe = GrainFactory.GetGrain<ITurnProbeGrain>(target);
        for (var i = 0; i < count; i++)
        {
            await probe.WorkOneWay(yields);
        }
    }

    public Task<int[]> CallSideBySide(string target, int count, int yields)
    {
        var probe = GrainFactory.GetGrain<ITurnProbeGrain>(target);
        return Task.WhenAll(Enumerable.Range(0, count).Select(_ => probe.Work(yields)));
    }
}
