namespace BorderGate.Actors.Tests.Grains;

public sealed class Tally
{
    public List<string> Items { get; set; } = [];
}

public interface ITallyGrain : IGrainWithStringKey
{
    /// <summary>Adds the item; answers once it is stored.</summary>
    Task Add(string item);

    Task<IReadOnlyList<string>> Items();

    /// <summary>Writes the grain has made since it was activated.</summary>
    Task<long> Writes();
}

/// <summary>A reentrant grain whose interleaving calls share their writes (<see cref="GroupedWrites{TState}"/>).</summary>
[Reentrant]
public sealed class TallyGrain : Grain, ITallyGrain
{
    private readonly IPersistentState<Tally> _tally;
    private readonly GroupedWrites<Tally> _writes;

    public TallyGrain([PersistentState("tally")] IPersistentState<Tally> tally)
    {
        _tally = tally;
        _writes = new GroupedWrites<Tally>(tally);
    }

    public Task Add(string item)
    {
        _tally.State.Items.Add(item);
        return _writes.WriteAsync();
    }

    public Task<IReadOnlyList<string>> Items() => Task.FromResult<IReadOnlyList<string>>([.. _tally.State.Items]);

    public Task<long> Writes() => Task.FromResult(_writes.Writes);
}
