using BorderGate.Contracts.Trips;
using BorderGate.Actors;

namespace BorderGate.Grains.Gate;

/// <summary>
/// The gate's virtual queue, stored in <see cref="ShardCount"/> parts by plate, so that a truck joining or
/// leaving writes one part instead of the whole queue with the gate's state: on the peak day thousands wait,
/// and the gate changes many times a second.
/// </summary>
/// <remarks>
/// The queue and the gate's state are written one after the other, not together. The gate writes a truck's new
/// place first and takes it out of the queue second, so a crash in between leaves the truck in two places, never
/// in none; <see cref="Reconcile"/> drops, after activation, the queue entries of trucks the gate's state puts
/// elsewhere.
/// </remarks>
internal sealed class GateQueue
{
    /// <summary>
    /// 1,024 parts: a batch of sightings (up to 64 trucks, random plates) writes up to 64 parts, and with a hundred thousand
    /// trucks booked days ahead some 50,000 may wait; in 64 parts that was 64 parts of 65 KB per batch (4 MB) and a 65-KB
    /// part per call, in 1,024 a few KB. A queue stored in fewer parts (16, 64 before) is moved to its parts on activation.
    /// </summary>
    public const int ShardCount = 1024;

    private readonly IPersistentState<QueueShard>[] _shards;
    private readonly Dictionary<string, QueuedTruck> _all = new(StringComparer.Ordinal);

    // The same trucks in the order dispatch takes them (on time before late, then arrival order), kept as they
    // come and go, so that neither dispatch nor the snapshot sorts thousands of waiting trucks on every change.
    private readonly SortedSet<QueuedTruck> _ordered = new(DispatchOrder.Instance);

    // Only trucks eligible to be called are in that order (and in the two subsets below): on the peak day most of the
    // queue may be early arrivals waiting for their windows, and dispatch must not read past them on every change.
    // The others wait in order of eligibility and move over as their time comes (Promote).
    private readonly SortedSet<QueuedTruck> _notYet = new(EligibilityOrder.Instance);
    private DateTimeOffset _eligibleUpTo = DateTimeOffset.MinValue;

    // The oversize loads among them, in the same order: an oversize lane looks for one without reading the whole queue.
    private readonly SortedSet<QueuedTruck> _oversize = new(DispatchOrder.Instance);

    // The imports among them, in the same order: while exports are held back (the yard near full), dispatch reads these
    // instead of reading past thousands of exports.
    private readonly SortedSet<QueuedTruck> _imports = new(DispatchOrder.Instance);

    public GateQueue(IGrainContext context)
    {
        _shards = [.. Enumerable.Range(0, ShardCount).Select(i => context.CreatePersistentState<QueueShard>($"gate-queue-{i:00}"))];
    }

    public int Count => _all.Count;

    public IEnumerable<QueuedTruck> Trucks => _all.Values;

    /// <summary>
    /// The trucks eligible to be called as of the last <see cref="Promote"/>, on time before late ones, each group in
    /// arrival order.
    /// </summary>
    public IReadOnlyCollection<QueuedTruck> InDispatchOrder => _ordered;

    /// <summary>The oversize loads of <see cref="InDispatchOrder"/>, in the same order.</summary>
    public IReadOnlyCollection<QueuedTruck> OversizeInDispatchOrder => _oversize;

    /// <summary>The imports of <see cref="InDispatchOrder"/>, in the same order.</summary>
    public IReadOnlyCollection<QueuedTruck> ImportsInDispatchOrder => _imports;

    /// <summary>The trucks not yet eligible (early arrivals) as of the last <see cref="Promote"/>, in dispatch order.</summary>
    public IEnumerable<QueuedTruck> NotYetEligibleInDispatchOrder => _notYet.Order(DispatchOrder.Instance);

    /// <summary>Moves the trucks eligible by <paramref name="now"/> into the dispatch order.</summary>
    public void Promote(DateTimeOffset now)
    {
        if (now <= _eligibleUpTo)
        {
            return;
        }

        _eligibleUpTo = now;
        while (_notYet.Count > 0 && _notYet.Min!.EligibleAt <= now)
        {
            var truck = _notYet.Min;
            _notYet.Remove(truck);
            AddEligible(truck);
        }
    }

    /// <summary>The lowest order in the queue (the head), or null when empty.</summary>
    public long? HeadOrder => _all.Count == 0 ? null : _all.Values.Min(q => q.Order);

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_shards.Select(s => s.ReadStateAsync(cancellationToken)));
        await MoveMisplacedAsync();
        _all.Clear();
        _ordered.Clear();
        _oversize.Clear();
        _imports.Clear();
        _notYet.Clear();
        foreach (var truck in _shards.SelectMany(s => s.State.Trucks.Values))
        {
            Index(truck);
        }
    }

    /// <summary>
    /// Trucks stored in a part that is not theirs (the queue was stored in fewer parts) move to theirs: the parts they go to
    /// are handed to storage before the parts they leave (a grain's writes commit in the order made), so a failure leaves a
    /// truck in two parts, which loading reads as one, never in none.
    /// </summary>
    private async Task MoveMisplacedAsync()
    {
        var homes = new HashSet<IPersistentState<QueueShard>>();
        var left = new HashSet<IPersistentState<QueueShard>>();
        foreach (var shard in _shards)
        {
            foreach (var (plate, truck) in shard.State.Trucks.Where(t => !ReferenceEquals(ShardOf(t.Key), shard)).ToList())
            {
                var home = ShardOf(plate);
                home.State.Trucks[plate] = truck;
                shard.State.Trucks.Remove(plate);
                homes.Add(home);
                left.Add(shard);
            }
        }

        if (homes.Count > 0)
        {
            var writes = homes.Select(s => s.WriteStateAsync()).ToList();
            writes.AddRange(left.Except(homes).Select(s => s.WriteStateAsync()));
            await Task.WhenAll(writes);
        }
    }

    public bool Contains(string plate) => _all.ContainsKey(plate);

    public QueuedTruck? Find(string plate) => _all.GetValueOrDefault(plate);

    public Task AddAsync(QueuedTruck truck) => AddAsync([truck]);

    /// <summary>Puts the trucks in (each shard concerned written once, the shards at the same time).</summary>
    public async Task AddAsync(IReadOnlyCollection<QueuedTruck> trucks)
    {
        var touched = new HashSet<IPersistentState<QueueShard>>();
        foreach (var truck in trucks)
        {
            var shard = ShardOf(truck.Plate);
            shard.State.Trucks[truck.Plate] = truck;
            touched.Add(shard);
        }

        await StoreAsync(touched, trucks.Select(t => t.Plate));
        foreach (var truck in trucks)
        {
            Index(truck);
        }
    }

    /// <summary>Takes the trucks out (each shard concerned written once).</summary>
    public async Task RemoveAsync(IReadOnlyCollection<string> plates)
    {
        var touched = new HashSet<IPersistentState<QueueShard>>();
        foreach (var plate in plates)
        {
            var shard = ShardOf(plate);
            if (shard.State.Trucks.Remove(plate))
            {
                touched.Add(shard);
            }

            Unindex(plate);
        }

        await StoreAsync(touched, plates);
    }

    /// <summary>Writes the shards at the same time; a shard that failed went back to what storage holds, and so does the index of the plates.</summary>
    private async Task StoreAsync(IEnumerable<IPersistentState<QueueShard>> touched, IEnumerable<string> plates)
    {
        try
        {
            await Task.WhenAll(touched.Select(shard => shard.WriteStateAsync()));
        }
        catch
        {
            foreach (var plate in plates)
            {
                Reindex(plate, ShardOf(plate));
            }

            throw;
        }
    }

    public Task RemoveAsync(string plate) => RemoveAsync([plate]);

    /// <summary>Drops the entries of trucks that are elsewhere (see the remarks); returns how many.</summary>
    public async Task<int> Reconcile(Func<string, bool> isElsewhere)
    {
        var stale = _all.Keys.Where(isElsewhere).ToList();
        if (stale.Count > 0)
        {
            await RemoveAsync(stale);
        }

        return stale.Count;
    }

    private void Reindex(string plate, IPersistentState<QueueShard> shard)
    {
        if (shard.State.Trucks.TryGetValue(plate, out var stored))
        {
            Index(stored);
        }
        else
        {
            Unindex(plate);
        }
    }

    private void Index(QueuedTruck truck)
    {
        Unindex(truck.Plate);
        _all[truck.Plate] = truck;
        if (truck.EligibleAt <= _eligibleUpTo)
        {
            AddEligible(truck);
        }
        else
        {
            _notYet.Add(truck);
        }
    }

    private void AddEligible(QueuedTruck truck)
    {
        _ordered.Add(truck);
        if (truck.Cargo.IsOversize())
        {
            _oversize.Add(truck);
        }

        if (truck.Direction == TripDirection.Import)
        {
            _imports.Add(truck);
        }
    }

    private void Unindex(string plate)
    {
        if (_all.Remove(plate, out var old) && !_notYet.Remove(old))
        {
            _ordered.Remove(old);
            _oversize.Remove(old);
            _imports.Remove(old);
        }
    }

    private IPersistentState<QueueShard> ShardOf(string plate) => _shards[(int)(StableHash.Of(plate) % ShardCount)];
}

/// <summary>On time before late, then arrival order (then plate, so that two entries never compare equal).</summary>
internal sealed class DispatchOrder : IComparer<QueuedTruck>
{
    public static readonly DispatchOrder Instance = new();

    public int Compare(QueuedTruck? x, QueuedTruck? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var late = x.Late.CompareTo(y.Late);
        if (late != 0)
        {
            return late;
        }

        var order = x.Order.CompareTo(y.Order);
        return order != 0 ? order : string.CompareOrdinal(x.Plate, y.Plate);
    }
}

/// <summary>Eligible first, then in dispatch order (so that two entries never compare equal).</summary>
internal sealed class EligibilityOrder : IComparer<QueuedTruck>
{
    public static readonly EligibilityOrder Instance = new();

    public int Compare(QueuedTruck? x, QueuedTruck? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var eligible = x.EligibleAt.CompareTo(y.EligibleAt);
        return eligible != 0 ? eligible : DispatchOrder.Instance.Compare(x, y);
    }
}

/// <summary>One stored part of the gate's queue: its trucks by plate.</summary>
public sealed class QueueShard
{
    public Dictionary<string, QueuedTruck> Trucks { get; set; } = new(StringComparer.Ordinal);
}
