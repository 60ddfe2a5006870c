using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;

namespace BorderGate.Grains.Yard;

/// <summary>
/// The yard's slots and who holds them, as plain state: the yard grain runs it one call at a time, and
/// property tests run it on any sequence of operations. A slot is free, reserved (until it expires) or
/// occupied by one container; nothing ever holds a slot twice.
/// </summary>
public sealed class YardAllocator
{
    public Dictionary<string, YardSlot> Slots { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The slots changed since the owner last stored them (not stored itself).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public HashSet<string> Touched { get; } = new(StringComparer.Ordinal);

    public static YardAllocator For(IEnumerable<YardBlockLayout> blocks)
    {
        var yard = new YardAllocator();
        foreach (var block in blocks)
        {
            foreach (var slot in block.SlotIds())
            {
                yard.Slots[slot] = new YardSlot { BlockId = block.Id };
            }
        }

        return yard;
    }

    /// <summary>A free slot in the least loaded block (lowest slot id within it), reserved for the container.</summary>
    public SlotReservation? Reserve(string containerNumber, DateTimeOffset now, TimeSpan ttl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(containerNumber);
        Expire(now);
        var existing = Slots.FirstOrDefault(s => s.Value.ContainerNumber == containerNumber && s.Value.State != SlotState.Free);
        if (existing.Value is not null)
        {
            if (existing.Value.State == SlotState.Occupied)
            {
                throw new InvalidOperationException($"Container {containerNumber} is already in slot {existing.Key}.");
            }

            return new SlotReservation(existing.Key, existing.Value.BlockId, containerNumber, existing.Value.ExpiresAt!.Value);
        }

        var load = Slots.Values.GroupBy(s => s.BlockId).ToDictionary(g => g.Key, g => g.Count(s => s.State != SlotState.Free));
        var pick = Slots
            .Where(s => s.Value.State == SlotState.Free)
            .OrderBy(s => load[s.Value.BlockId])
            .ThenBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => s.Key)
            .FirstOrDefault();
        if (pick is null)
        {
            return null;
        }

        var slot = Slots[pick];
        Touched.Add(pick);
        slot.State = SlotState.Reserved;
        slot.ContainerNumber = containerNumber;
        slot.ExpiresAt = now + ttl;
        return new SlotReservation(pick, slot.BlockId, containerNumber, slot.ExpiresAt.Value);
    }

    public void Occupy(string slotId, string containerNumber, DateTimeOffset now)
    {
        Expire(now);
        var slot = Get(slotId);
        if (slot.State == SlotState.Occupied && slot.ContainerNumber == containerNumber)
        {
            return;
        }

        if (slot.State != SlotState.Reserved || slot.ContainerNumber != containerNumber)
        {
            throw new InvalidOperationException(
                $"Slot {slotId} is {slot.State}{(slot.ContainerNumber is null ? string.Empty : $" for {slot.ContainerNumber}")}; container {containerNumber} cannot be put there without a reservation.");
        }

        slot.State = SlotState.Occupied;
        slot.ExpiresAt = null;
        Touched.Add(slotId);
    }

    public void Vacate(string slotId, string containerNumber)
    {
        var slot = Get(slotId);
        if (slot.State == SlotState.Free)
        {
            return;
        }

        if (slot.State != SlotState.Occupied || slot.ContainerNumber != containerNumber)
        {
            throw new InvalidOperationException($"Slot {slotId} does not hold container {containerNumber} (it is {slot.State}, {slot.ContainerNumber ?? "empty"}).");
        }

        slot.Clear();
        Touched.Add(slotId);
    }

    /// <summary>
    /// A crane has the move into the slot: the reservation no longer expires (it holds until the container is down or the
    /// reservation is cancelled). False when the slot is not reserved for the container any more (it expired before).
    /// </summary>
    public bool Confirm(string slotId, string containerNumber, DateTimeOffset now)
    {
        Expire(now);
        var slot = Get(slotId);
        if (slot.State != SlotState.Reserved || slot.ContainerNumber != containerNumber)
        {
            return slot.State == SlotState.Occupied && slot.ContainerNumber == containerNumber;
        }

        if (slot.ExpiresAt is not null)
        {
            slot.ExpiresAt = null;
            Touched.Add(slotId);
        }

        return true;
    }

    public void Cancel(string slotId)
    {
        var slot = Get(slotId);
        if (slot.State == SlotState.Reserved)
        {
            slot.Clear();
            Touched.Add(slotId);
        }
    }

    /// <summary>Frees reservations whose time ran out.</summary>
    public int Expire(DateTimeOffset now)
    {
        var expired = 0;
        foreach (var (slotId, slot) in Slots.Where(s => s.Value.State == SlotState.Reserved && s.Value.ExpiresAt <= now))
        {
            slot.Clear();
            Touched.Add(slotId);
            expired++;
        }

        return expired;
    }

    /// <summary>How full the yard is, without the list of slots.</summary>
    public YardLevel Level()
    {
        int occupied = 0, reserved = 0;
        foreach (var slot in Slots.Values)
        {
            occupied += slot.State == SlotState.Occupied ? 1 : 0;
            reserved += slot.State == SlotState.Reserved ? 1 : 0;
        }

        return new YardLevel(Slots.Count, occupied, reserved);
    }

    public YardView View() => new(
        Slots.Count,
        Slots.Values.Count(s => s.State == SlotState.Occupied),
        Slots.Values.Count(s => s.State == SlotState.Reserved),
        [.. Slots.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new SlotView(s.Key, s.Value.BlockId, s.Value.State, s.Value.ContainerNumber))]);

    private YardSlot Get(string slotId) =>
        Slots.TryGetValue(slotId, out var slot) ? slot : throw new KeyNotFoundException($"The yard has no slot '{slotId}'.");
}

public sealed class YardSlot
{
    public required string BlockId { get; set; }

    public SlotState State { get; set; }

    public string? ContainerNumber { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public void Clear()
    {
        State = SlotState.Free;
        ContainerNumber = null;
        ExpiresAt = null;
    }
}
