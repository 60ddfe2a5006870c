using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;
using BorderGate.Grains.Yard;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BorderGate.Grains.Tests.Yard;

public sealed class YardProperties
{
    private static readonly DateTimeOffset s_start = new(2026, 1, 20, 6, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_ttl = TimeSpan.FromMinutes(30);

    private static YardAllocator NewYard() =>
        YardAllocator.For([new YardBlockLayout("A", 2, 4, default), new YardBlockLayout("B", 2, 4, default), new YardBlockLayout("C", 1, 4, default)]);

    /// <summary>0 reserve, 1 occupy a reservation, 2 vacate an occupied slot, 3 cancel, 4 let time pass.</summary>
    private static Arbitrary<(int Op, int Pick)[]> Operations() =>
        Gen.ArrayOf(Gen.Zip(Gen.Choose(0, 4), Gen.Choose(0, 1000)), 120).ToArbitrary();

    [Property(MaxTest = 200)]
    public Property AnySequence_NoSlotDoubleBooked_NoContainerInTwoPlaces() =>
        Prop.ForAll(Operations(), operations =>
        {
            var yard = NewYard();
            var now = s_start;
            var next = 0;
            foreach (var (op, pick) in operations)
            {
                // Reservations that ran out are gone before anyone acts on them (occupying one is refused).
                yard.Expire(now);
                var slots = yard.Slots.OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
                switch (op)
                {
                    case 0:
                        yard.Reserve($"CONT{next++:0000000}", now, s_ttl);
                        break;
                    case 1 when slots.Where(s => s.Value.State == SlotState.Reserved).ToList() is { Count: > 0 } reserved:
                        var r = reserved[pick % reserved.Count];
                        yard.Occupy(r.Key, r.Value.ContainerNumber!, now);
                        break;
                    case 2 when slots.Where(s => s.Value.State == SlotState.Occupied).ToList() is { Count: > 0 } occupied:
                        var o = occupied[pick % occupied.Count];
                        yard.Vacate(o.Key, o.Value.ContainerNumber!);
                        break;
                    case 3:
                        yard.Cancel(slots[pick % slots.Count].Key);
                        break;
                    case 4:
                        now += TimeSpan.FromMinutes(pick % 40);
                        break;
                }

                var held = yard.Slots.Values.Where(s => s.State != SlotState.Free).ToList();

                // The level flow control reads is the slots' own count, after every operation.
                var view = yard.View();
                if (yard.Level() != new YardLevel(view.Capacity, view.Occupied, view.Reserved)
                    || view.Occupied + view.Reserved != held.Count)
                {
                    return false;
                }

                if (held.Any(s => s.ContainerNumber is null)
                    || held.Select(s => s.ContainerNumber).Distinct().Count() != held.Count
                    || yard.Slots.Values.Any(s => s.State == SlotState.Free && s.ContainerNumber is not null))
                {
                    return false;
                }
            }

            return true;
        });

    [Fact]
    public void Reservations_BalanceTheBlocks()
    {
        var yard = NewYard();
        for (var i = 0; i < 12; i++)
        {
            Assert.NotNull(yard.Reserve($"C{i}", s_start, s_ttl));
        }

        var load = yard.Slots.Values.Where(s => s.State != SlotState.Free).GroupBy(s => s.BlockId).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["A"] = 4, ["B"] = 4, ["C"] = 4 }, load);
    }

    [Fact]
    public void ConfirmedReservation_DoesNotExpire_AnExpiredOneCannotBeConfirmed()
    {
        var yard = NewYard();
        var kept = yard.Reserve("MSKU9070323", s_start, s_ttl)!;
        var lapsed = yard.Reserve("CSQU3054383", s_start, s_ttl)!;
        Assert.True(yard.Confirm(kept.SlotId, "MSKU9070323", s_start + TimeSpan.FromMinutes(1)));

        Assert.Equal(1, yard.Expire(s_start + (s_ttl * 10)));
        Assert.False(yard.Confirm(lapsed.SlotId, "CSQU3054383", s_start + (s_ttl * 10)));
        yard.Occupy(kept.SlotId, "MSKU9070323", s_start + (s_ttl * 10));
        Assert.Equal(SlotState.Occupied, yard.Slots[kept.SlotId].State);
        Assert.True(yard.Confirm(kept.SlotId, "MSKU9070323", s_start + (s_ttl * 10)));
    }

    [Fact]
    public void Reservation_Expires_AndTheSlotIsFreeAgain_OccupyAfterExpiryFails()
    {
        var yard = NewYard();
        var reservation = yard.Reserve("MSKU9070323", s_start, s_ttl)!;

        Assert.Equal(1, yard.Expire(s_start + s_ttl));
        var error = Assert.Throws<InvalidOperationException>(() => yard.Occupy(reservation.SlotId, "MSKU9070323", s_start + s_ttl));
        Assert.Contains("without a reservation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FullYard_ReturnsNoSlot()
    {
        var yard = NewYard();
        for (var i = 0; i < 20; i++)
        {
            Assert.NotNull(yard.Reserve($"C{i}", s_start, s_ttl));
        }

        Assert.Null(yard.Reserve("ONE-TOO-MANY", s_start, s_ttl));
    }
}
