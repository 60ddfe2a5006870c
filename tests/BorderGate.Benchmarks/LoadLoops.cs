using System.Diagnostics;
using System.Runtime.InteropServices;

namespace BorderGate.Benchmarks;

/// <summary>The two ways the quick modes load a call: as fast as it goes (closed loop), and at a fixed rate (open loop).</summary>
internal static partial class LoadLoops
{
    /// <summary>
    /// How long the open loop's pacer sleeps between starts of what fell due (on Linux; a millisecond elsewhere); 100 µs
    /// unless <c>PACER_US</c> says otherwise (longer sleeps start calls in bigger batches).
    /// </summary>
    private static readonly TimeSpan s_pacerTick = TimeSpan.FromMicroseconds(
        int.Parse(Environment.GetEnvironmentVariable("PACER_US") ?? "100", System.Globalization.CultureInfo.InvariantCulture));

    // For finding stalls: LOADLOOP_DUMP=/tmp/d writes each open loop's calls in the order they fell due to /tmp/d.1,
    // /tmp/d.2 … (due µs, latency µs, pacer lateness µs; the first line has the loop's start on the monotonic clock that
    // `perf record -k CLOCK_MONOTONIC` stamps events with); LOADLOOP_TRACE=1 prints the thread pool and the heap every
    // 100 ms while a loop runs.
    private static readonly string? s_dumpPath = Environment.GetEnvironmentVariable("LOADLOOP_DUMP") is { Length: > 0 } path ? path : null;
    private static readonly bool s_trace = Environment.GetEnvironmentVariable("LOADLOOP_TRACE") is { Length: > 0 };
    private static int s_dumps;

    /// <summary>How late the last open loop's pacer started each call after it fell due (µs, sorted): the harness's own share of the latencies.</summary>
    public static double[] LastIssueLateness { get; private set; } = [];

    /// <summary>The last open loop's latencies counted from when the pacer started each call (µs, sorted): the system's own share.</summary>
    public static double[] LastFromStart { get; private set; } = [];

    /// <summary>The last open loop's calls that failed, by exception type (their latencies are left out of the loop's figures).</summary>
    public static IReadOnlyDictionary<string, int> LastFailures { get; private set; } = new Dictionary<string, int>();

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
    /// shows in the tail instead of slowing the sender down. A call that fails is counted by its exception's type in
    /// <see cref="LastFailures"/> and left out of the latencies. A dedicated thread paces the calls, waking every millisecond
    /// to start what fell due; no task is kept once it completed. Latencies in microseconds, sorted. On Linux the pacer
    /// sleeps 100 µs at a time (<c>nanosleep</c>), elsewhere a millisecond (<c>Thread.Sleep</c>'s grain): a call due just
    /// after the pacer fell asleep starts, and is timed from its due moment, up to one such sleep later.
    /// </summary>
    public static async Task<double[]> OpenLoopAsync(Func<int, Task> call, double rate, TimeSpan duration)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var outstanding = total;
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ticksPerCall = Stopwatch.Frequency / rate;
        var late = new double[total];
        var fromStart = new double[total];
        var failures = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var traceStart = Stopwatch.GetTimestamp();
        long pacerStart = 0;
        var pacer = new Thread(() =>
        {
            var start = Stopwatch.GetTimestamp();
            pacerStart = start;
            var sent = 0;
            while (sent < total)
            {
                var now = Stopwatch.GetTimestamp();
                // Call i falls due at start + i periods: at `now` calls 0 … ⌊elapsed / period⌋ are due (counting them as
                // ⌊elapsed / period⌋ left each one a whole period late, a millisecond at 1,000 calls a second).
                var due = (int)Math.Min(total, (now - start) / ticksPerCall + 1);
                for (; sent < due; sent++)
                {
                    // Each call's own start: a long batch (a pacer fallen behind) starts its last calls well after `now`.
                    var scheduled = start + (long)(sent * ticksPerCall);
                    late[sent] = Stopwatch.GetElapsedTime(scheduled, Stopwatch.GetTimestamp()).TotalMicroseconds;
                    _ = TimeAsync(scheduled, sent);
                }

                Pause();
            }
        })
        { IsBackground = true, Name = "open-loop pacer" };
        pacer.Start();
        using var monitor = s_trace ? new Timer(_ =>
        {
            Console.Error.WriteLine($"[{Stopwatch.GetElapsedTime(traceStart).TotalMilliseconds:F0} ms] threads {ThreadPool.ThreadCount}, queued {ThreadPool.PendingWorkItemCount}, done {ThreadPool.CompletedWorkItemCount}, outstanding {Volatile.Read(ref outstanding)}, gc {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, heap {GC.GetTotalMemory(false) >> 20} MB");
        }, null, 0, 100) : null;
        await allDone.Task;
        pacer.Join();
        if (s_dumpPath is { } dump)
        {
            File.WriteAllLines(
                $"{dump}.{Interlocked.Increment(ref s_dumps)}",
                new[] { $"# start {pacerStart} frequency {Stopwatch.Frequency}" }.Concat(latencies.Select((l, i) => $"{i / rate * 1e6:F0} {l:F0} {late[i]:F0}")));
        }

        if (!failures.IsEmpty)
        {
            // Failed calls were marked NaN: out of every figure.
            latencies = [.. latencies.Where(double.IsFinite)];
            fromStart = [.. fromStart.Where(double.IsFinite)];
        }

        Array.Sort(latencies);
        Array.Sort(late);
        Array.Sort(fromStart);
        LastIssueLateness = late;
        LastFromStart = fromStart;
        LastFailures = failures;
        return latencies;

        async Task TimeAsync(long scheduled, int index)
        {
            try
            {
                await call(index);
                latencies[index] = Stopwatch.GetElapsedTime(scheduled).TotalMicroseconds;
                fromStart[index] = latencies[index] - late[index];
            }
            catch (Exception e)
            {
                failures.AddOrUpdate(e.GetType().Name, 1, static (_, n) => n + 1);
                latencies[index] = fromStart[index] = double.NaN;
            }

            if (Interlocked.Decrement(ref outstanding) == 0)
            {
                allDone.TrySetResult();
            }
        }
    }

    private static void Pause() => Sleep(s_pacerTick);

    /// <summary>Sleeps about <paramref name="time"/>: <c>nanosleep</c> on Linux, <c>Thread.Sleep</c>'s millisecond grain elsewhere.</summary>
    public static void Sleep(TimeSpan time)
    {
        if (OperatingSystem.IsLinux())
        {
            var request = new Timespec { Seconds = 0, Nanoseconds = (long)(time.Ticks * 100) };
            _ = NanoSleep(ref request, IntPtr.Zero);
        }
        else
        {
            Thread.Sleep(1);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int NanoSleep(ref Timespec request, IntPtr remaining);

    public static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
