namespace BorderGate.Actors.Tests.Grains;

/// <summary>A grain whose states are made at run time, one per shelf, as many as it is told at first use.</summary>
public interface IShelfGrain : IGrainWithStringKey
{
    Task Put(int shelf, string item);

    Task<IReadOnlyList<string>> Items(int shelf);
}

public sealed class ShelfCount
{
    public int Shelves { get; set; }
}

public sealed class Shelf
{
    public List<string> Items { get; set; } = [];
}

public sealed class ShelfGrain([PersistentState("shelf-count")] IPersistentState<ShelfCount> count) : Grain, IShelfGrain
{
    private readonly List<IPersistentState<Shelf>> _shelves = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < count.State.Shelves; i++)
        {
            var shelf = GrainContext.CreatePersistentState<Shelf>($"shelf-{i}");
            await shelf.ReadStateAsync(cancellationToken);
            _shelves.Add(shelf);
        }
    }

    public async Task Put(int shelf, string item)
    {
        while (_shelves.Count <= shelf)
        {
            // A new state is empty until written; nothing is read for it.
            var added = GrainContext.CreatePersistentState<Shelf>($"shelf-{_shelves.Count}");
            Assert.False(added.RecordExists);
            _shelves.Add(added);
        }

        if (count.State.Shelves != _shelves.Count)
        {
            count.State.Shelves = _shelves.Count;
            await count.WriteStateAsync();
        }

        _shelves[shelf].State.Items.Add(item);
        await _shelves[shelf].WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> Items(int shelf) =>
        Task.FromResult<IReadOnlyList<string>>(shelf < _shelves.Count ? [.. _shelves[shelf].State.Items] : []);
}
