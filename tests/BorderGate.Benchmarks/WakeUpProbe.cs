using System.Diagnostics;

namespace BorderGate.Benchmarks;

/// <summary>
/// What waking a thread costs on this machine, before any silo code runs: a thread blocked on a semaphore released by
/// another every 200 µs (the cores otherwise idle, as between a silo's batches), and how far a 200 µs sleep overshoots
/// (the pacer sleeps the same way). A remote call passes through about seven such wake-ups (pacer → write loop → the
/// callee's socket engine → its read loop → its write loop → the caller's socket engine → its read loop → the caller's
/// continuation), so their tail is a floor under the call's.
/// </summary>
internal static class WakeUpProbe
{
    /// <summary>
    /// How often the machine itself takes a core away (another process, the hypervisor): one thread per core reads the
    /// clock in a loop for <paramref name="duration"/> and counts the gaps between two reads (jHiccup's idea).
    /// </summary>
    public static string Hiccups(TimeSpan duration)
    {
        var gaps = new List<double>();
        var threads = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Thread(() =>
        {
            var mine = new List<double>();
            var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            var last = Stopwatch.GetTimestamp();
            while (last < end)
            {
                var now = Stopwatch.GetTimestamp();
                var gap = (now - last) * 1_000.0 / Stopwatch.Frequency;
                if (gap > 0.5)
                {
                    mine.Add(gap);
                }

                last = now;
            }

            lock (gaps)
            {
                gaps.AddRange(mine);
            }
        })
        { IsBackground = true, Name = "hiccup meter" }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        gaps.Sort();
        var perCoreSecond = duration.TotalSeconds * Environment.ProcessorCount;
        return $"a thread per core reading the clock for {duration.TotalSeconds:F0} s lost it {gaps.Count(g => g > 1) / perCoreSecond:F1} times a core-second for over 1 ms " +
            $"({gaps.Count(g => g > 2) / perCoreSecond:F1} over 2 ms, {gaps.Sum() / perCoreSecond / 10:F2} % of the time in gaps over 0.5 ms), longest {(gaps.Count > 0 ? gaps[^1] : 0):F1} ms";
    }

    public static string Measure(int samples = 10_000)
    {
        var wakeLatencies = new double[samples];
        var oversleeps = new double[samples];
        using var signal = new SemaphoreSlim(0);
        long releasedAt = 0;
        var waiter = new Thread(() =>
        {
            for (var i = 0; i < samples; i++)
            {
                signal.Wait();
                wakeLatencies[i] = Stopwatch.GetElapsedTime(Volatile.Read(ref releasedAt)).TotalMicroseconds;
            }
        })
        { IsBackground = true, Name = "wake-up probe" };
        waiter.Start();
        for (var i = 0; i < samples; i++)
        {
            var before = Stopwatch.GetTimestamp();
            LoadLoops.Sleep(TimeSpan.FromMicroseconds(200));
            oversleeps[i] = Stopwatch.GetElapsedTime(before).TotalMicroseconds - 200;
            Volatile.Write(ref releasedAt, Stopwatch.GetTimestamp());
            signal.Release();
            while (signal.CurrentCount > 0)
            {
                Thread.Yield();
            }
        }

        waiter.Join();
        Array.Sort(wakeLatencies);
        Array.Sort(oversleeps);
        return $"a blocked thread woken p50 {LoadLoops.Percentile(wakeLatencies, 0.5):F0} µs, p99 {LoadLoops.Percentile(wakeLatencies, 0.99):F0} µs, " +
            $"p99.9 {LoadLoops.Percentile(wakeLatencies, 0.999):F0} µs; a 200 µs sleep overslept p50 {LoadLoops.Percentile(oversleeps, 0.5):F0} µs, " +
            $"p99 {LoadLoops.Percentile(oversleeps, 0.99):F0} µs";
    }
}
