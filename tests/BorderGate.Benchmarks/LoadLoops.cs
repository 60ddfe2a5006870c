using System.Diagnostics;

namespace BorderGate.Benchmarks;

/// <summary>The two ways the quick modes load a call: as fast as it goes (closed loop), and at a fixed rate (open loop).</summary>
internal static class LoadLoops
{
    /// <summary>Calls per second with <paramref name="callers"/> callers each awaiting one call at a time.</summary>
    public static async Task<double> ClosedLoopAsync(Func<int, Task> call, int callers, TimeSpan duration)
    {
        long completed = 0;
        var watch = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var done = 0L;
            while (watch.Elapsed < duration)
            {
                await call(caller);
                done++;
            }

            Interlocked.Add(ref completed, done);
        })).ToArray();
        await Task.WhenAll(tasks);
        return completed / watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Calls at a fixed rate whatever the answers do (open loop), timing each call from when it was due, so that a stall
    /// shows in the tail instead of slowing the sender down. A dedicated thread paces the calls, waking every millisecond
    /// to start what fell due; no task is kept once it completed. Latencies in microseconds, sorted.
    /// </summary>
    public static async Task<double[]> OpenLoopAsync(Func<int, Task> call, double rate, TimeSpan duration)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var outstanding = total;
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ticksPerCall = Stopwatch.Frequency / rate;
        var pacer = new Thread(() =>
        {
            var start = Stopwatch.GetTimestamp();
            var sent = 0;
            while (sent < total)
            {
                var due = (int)Math.Min(total, (Stopwatch.GetTimestamp() - start) / ticksPerCall);
                for (; sent < due; sent++)
                {
                    _ = TimeAsync(start + (long)(sent * ticksPerCall), sent);
                }

                Thread.Sleep(1);
            }
        })
        { IsBackground = true, Name = "open-loop pacer" };
        pacer.Start();
        await allDone.Task;
        pacer.Join();
        Array.Sort(latencies);
        return latencies;

        async Task TimeAsync(long scheduled, int index)
        {
            await call(index);
            latencies[index] = Stopwatch.GetElapsedTime(scheduled).TotalMicroseconds;
            if (Interlocked.Decrement(ref outstanding) == 0)
            {
                allDone.TrySetResult();
            }
        }
    }

    public static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
