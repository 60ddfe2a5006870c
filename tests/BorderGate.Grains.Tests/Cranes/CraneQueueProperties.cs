using BorderGate.Contracts.Crossing;
using BorderGate.Grains.Cranes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BorderGate.Grains.Tests.Cranes;

/// <summary>The crane's job order: loads of waiting driverless trucks first, each job passed a bounded number of times.</summary>
public sealed class CraneQueueProperties
{
    private static CraneJob Unload(int n) => new($"u{n}", $"CONT{n:0000000}", new ContainerPlace(PlaceKind.Truck, $"29C{n:00000}", 395), new ContainerPlace(PlaceKind.Slot, "A-01-01", 480));

    private static CraneJob Load(int n) => new($"l{n}", $"CONT{n:0000000}", new ContainerPlace(PlaceKind.Slot, "A-01-01", 480), new ContainerPlace(PlaceKind.DriverlessTruck, "agv-01", 565));

    [Fact]
    public void Load_GoesAheadOfUnloads_BehindEarlierLoads()
    {
        var queue = new List<CraneJob>();
        var overtaken = new Dictionary<string, int>(StringComparer.Ordinal);
        CraneQueue.Add(queue, overtaken, Unload(1));
        CraneQueue.Add(queue, overtaken, Unload(2));
        CraneQueue.Add(queue, overtaken, Load(3));
        CraneQueue.Add(queue, overtaken, Load(4));

        Assert.Equal(["l3", "l4", "u1", "u2"], queue.Select(j => j.JobId));
        Assert.Equal(2, overtaken["u1"]);
    }

    [Fact]
    public void Unload_PassedTheMostTimes_KeepsItsPlace()
    {
        var queue = new List<CraneJob>();
        var overtaken = new Dictionary<string, int>(StringComparer.Ordinal);
        CraneQueue.Add(queue, overtaken, Unload(1));
        for (var n = 2; n < 2 + CraneQueue.MaxOvertakes + 2; n++)
        {
            CraneQueue.Add(queue, overtaken, Load(n));
        }

        // u1 was passed MaxOvertakes times; the loads after that queue behind it.
        Assert.Equal(CraneQueue.MaxOvertakes, queue.FindIndex(j => j.JobId == "u1"));
        Assert.Equal("l2", CraneQueue.TakeFirst(queue, overtaken).JobId);
        Assert.Equal(CraneQueue.MaxOvertakes, overtaken["u1"]);
        Assert.False(overtaken.ContainsKey("l2"));
    }

    /// <summary>0 an unload queued, 1 a load queued, 2 the crane takes the next job.</summary>
    private static Arbitrary<int[]> Operations() => Gen.ArrayOf(Gen.Choose(0, 2), 80).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property AnySequence_EveryJobOnce_LoadsAndUnloadsEachInOrder_NoJobPassedMoreThanTheBound() =>
        Prop.ForAll(Operations(), operations =>
        {
            var queue = new List<CraneJob>();
            var overtaken = new Dictionary<string, int>(StringComparer.Ordinal);
            var passes = new Dictionary<string, int>(StringComparer.Ordinal);
            var taken = new List<CraneJob>();
            var queued = 0;
            foreach (var op in operations)
            {
                if (op == 2)
                {
                    if (queue.Count > 0)
                    {
                        taken.Add(CraneQueue.TakeFirst(queue, overtaken));
                    }

                    continue;
                }

                var job = op == 0 ? Unload(queued) : Load(queued);
                queued++;
                var before = queue.Select(j => j.JobId).ToList();
                CraneQueue.Add(queue, overtaken, job);
                foreach (var passed in before.Skip(queue.IndexOf(job)))
                {
                    passes[passed] = passes.GetValueOrDefault(passed) + 1;
                }
            }

            var order = taken.Concat(queue).ToList();
            var everyJobOnce = order.Count == queued
                && order.Select(j => j.ContainerNumber).Order(StringComparer.Ordinal).SequenceEqual(Enumerable.Range(0, queued).Select(n => $"CONT{n:0000000}"));
            var loadsInOrder = IsAscending(order.Where(CraneQueue.LoadsVehicle));
            var unloadsInOrder = IsAscending(order.Where(j => !CraneQueue.LoadsVehicle(j)));
            var bounded = passes.Values.All(p => p <= CraneQueue.MaxOvertakes);
            var onlyUnloadsPassed = passes.Keys.All(id => id.StartsWith('u'));
            return everyJobOnce && loadsInOrder && unloadsInOrder && bounded && onlyUnloadsPassed;
        });

    private static bool IsAscending(IEnumerable<CraneJob> jobs)
    {
        var numbers = jobs.Select(j => int.Parse(j.JobId[1..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return numbers.SequenceEqual(numbers.Order());
    }
}
