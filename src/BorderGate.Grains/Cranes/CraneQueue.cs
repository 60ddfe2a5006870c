using BorderGate.Contracts.Crossing;

namespace BorderGate.Grains.Cranes;

/// <summary>
/// The order of a crane's jobs: a move that loads a driverless truck goes ahead of moves that do not, because the vehicle
/// stands at the yard waiting for it (the fleet is what carries containers across; a road truck being unloaded into a slot
/// waits at the transfer bay, where nothing else queues behind it). Loads keep their order among themselves, and a job is
/// passed at most <see cref="MaxOvertakes"/> times, so a stream of loads never starves an unload.
/// </summary>
internal static class CraneQueue
{
    /// <summary>How many loads may pass one job before it keeps its place.</summary>
    internal const int MaxOvertakes = 3;

    /// <summary>Whether the move puts a container onto a driverless truck (from a road truck or from a slot).</summary>
    internal static bool LoadsVehicle(CraneJob job) => job.To.Kind == PlaceKind.DriverlessTruck;

    /// <summary>Queues <paramref name="job"/> where it belongs and counts the passes of the jobs it goes ahead of.</summary>
    internal static void Add(List<CraneJob> queue, Dictionary<string, int> overtaken, CraneJob job)
    {
        var at = queue.Count;
        if (LoadsVehicle(job))
        {
            while (at > 0 && !LoadsVehicle(queue[at - 1]) && overtaken.GetValueOrDefault(queue[at - 1].JobId) < MaxOvertakes)
            {
                at--;
            }

            for (var i = at; i < queue.Count; i++)
            {
                overtaken[queue[i].JobId] = overtaken.GetValueOrDefault(queue[i].JobId) + 1;
            }
        }

        queue.Insert(at, job);
    }

    /// <summary>Takes the first job off the queue (its passes are no longer needed).</summary>
    internal static CraneJob TakeFirst(List<CraneJob> queue, Dictionary<string, int> overtaken)
    {
        var job = queue[0];
        queue.RemoveAt(0);
        overtaken.Remove(job.JobId);
        return job;
    }
}
