using BorderGate.Actors;
using BorderGate.Contracts.Crossing;

namespace BorderGate.Grains.Transfer;

/// <summary>
/// Containers in yard slots waiting for a driverless truck, oldest first, stored in <see cref="PartCount"/> parts by
/// container number (state "transfer-yard-{part}"), each container with its place in the order: a container put in or
/// taken out writes its part (a few hundred bytes), not the whole list (700 containers, 30 KB a write, on the
/// 10,000-truck day when the yard fills). A list stored whole (state "transfer-yard") is moved to its parts on activation.
/// </summary>
/// <remarks>
/// The transfer's calls interleave: each part's writes are shared (<see cref="GroupedWrites{TState}"/>). A failed write
/// puts its part back to what storage holds, and the order in memory is read again from the parts.
/// </remarks>
internal sealed class YardContainerQueue
{
    public const int PartCount = 64;

    private readonly IPersistentState<TransferYardPart>[] _parts;
    private readonly GroupedWrites<TransferYardPart>[] _writes;
    private readonly List<YardContainer> _order = [];
    private long _head = -1;
    private long _tail;

    public YardContainerQueue(IGrainContext context)
    {
        _parts = [.. Enumerable.Range(0, PartCount).Select(i => context.CreatePersistentState<TransferYardPart>($"transfer-yard-{i:00}"))];
        _writes = [.. _parts.Select(p => new GroupedWrites<TransferYardPart>(p))];
    }

    /// <summary>Oldest first.</summary>
    public IReadOnlyList<YardContainer> Containers => _order;

    public int Count => _order.Count;

    public bool Contains(YardContainer container) => _order.Contains(container);

    /// <summary>Reads the parts, and moves a list stored whole (<paramref name="older"/>) into them (parts first, then the old record cleared).</summary>
    public async Task LoadAsync(IPersistentState<TransferYardQueue> older, CancellationToken cancellationToken)
    {
        await Task.WhenAll(_parts.Select(p => p.ReadStateAsync(cancellationToken)));
        Rebuild();
        if (older.RecordExists && older.State.Containers.Count > 0)
        {
            var moved = older.State.Containers.Where(c => !_order.Contains(c)).ToList();
            foreach (var container in moved)
            {
                Put(container, _tail++);
                _order.Add(container);
            }

            await Task.WhenAll(moved.Select(c => WriteAsync(c)));
            await older.ClearStateAsync(cancellationToken);
        }
    }

    /// <summary>At the end of the list; stored once the returned task completes.</summary>
    public Task AddLastAsync(YardContainer container)
    {
        Put(container, _tail++);
        _order.Add(container);
        return WriteAsync(container);
    }

    /// <summary>
    /// Takes the <paramref name="index"/>-th oldest off the list (in memory: <see cref="WriteAsync"/> stores it,
    /// <see cref="PutBackFirst"/> puts it back, at the head).
    /// </summary>
    public YardContainer Take(int index)
    {
        var container = _order[index];
        _order.RemoveAt(index);
        PartOf(container).State.Containers.RemoveAll(c => c.ContainerNumber == container.ContainerNumber);
        return container;
    }

    /// <summary>At the head of the list (in memory).</summary>
    public void PutBackFirst(YardContainer container)
    {
        Put(container, _head--);
        _order.Insert(0, container);
    }

    /// <summary>Stores the part of <paramref name="container"/> (its change, and any others in that part since).</summary>
    public async Task WriteAsync(YardContainer container)
    {
        try
        {
            await _writes[PartIndex(container)].WriteAsync();
        }
        catch
        {
            // The part is back to what storage holds: the order in memory is read again from the parts.
            Rebuild();
            throw;
        }
    }

    private void Put(YardContainer container, long order)
    {
        var part = PartOf(container).State.Containers;
        part.RemoveAll(c => c.ContainerNumber == container.ContainerNumber);
        part.Add(new OrderedYardContainer(container.ContainerNumber, container.SlotId, order));
    }

    private void Rebuild()
    {
        var all = _parts.SelectMany(p => p.State.Containers).OrderBy(c => c.Order).ToList();
        _order.Clear();
        _order.AddRange(all.Select(c => new YardContainer(c.ContainerNumber, c.SlotId)));
        _head = all.Count == 0 ? -1 : Math.Min(-1, all[0].Order - 1);
        _tail = all.Count == 0 ? 0 : Math.Max(0, all[^1].Order + 1);
    }

    private IPersistentState<TransferYardPart> PartOf(YardContainer container) => _parts[PartIndex(container)];

    private static int PartIndex(YardContainer container) => (int)(StableHash.Of(container.ContainerNumber) % PartCount);
}

/// <summary>One stored part of the containers waiting in the yard (state "transfer-yard-{part}").</summary>
public sealed class TransferYardPart
{
    public List<OrderedYardContainer> Containers { get; set; } = [];
}

/// <summary>A container waiting in a yard slot, with its place in the order (lower first; a container put back at the head gets a lower one).</summary>
public sealed record OrderedYardContainer(string ContainerNumber, string SlotId, long Order);
