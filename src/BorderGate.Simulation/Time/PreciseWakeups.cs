using System.Diagnostics;
using System.Runtime.InteropServices;

namespace BorderGate.Simulation.Time;

/// <summary>
/// Wake-ups at a real moment to within tens of microseconds, for the scaled clock on Linux. At 6,000× one real millisecond
/// is six site seconds, and .NET's timers tick in whole milliseconds and fire through the thread pool: measured under the
/// 10,000-truck day, a scaled timer ran 1.4 ms late on average (p90 3.5 ms, 21 site seconds), so every simulated drive,
/// hoist and weighbridge reading took longer than its site time said. One thread of its own keeps the due moments in a
/// heap and sleeps in <c>ppoll</c> (nanosecond timeout) on an eventfd that a nearer moment rings; what is due is handed
/// to the thread pool, never run on this thread.
/// </summary>
internal sealed partial class PreciseWakeups
{
    private readonly PriorityQueue<(Action<long> Wake, long Token), long> _due = new();
    private readonly Lock _lock = new();
    private readonly int _eventFd;
    private long _nextDue = long.MaxValue;

    private PreciseWakeups(int eventFd)
    {
        _eventFd = eventFd;
        var thread = new Thread(Run) { IsBackground = true, Name = "Scaled clock wake-ups", Priority = ThreadPriority.AboveNormal };
        thread.Start();
    }

    /// <summary>The process's wake-up thread, or null where it is not available (not Linux, or no eventfd).</summary>
    public static PreciseWakeups? Shared { get; } = Create();

    private static PreciseWakeups? Create()
    {
        if (!OperatingSystem.IsLinux() || Stopwatch.Frequency != 1_000_000_000)
        {
            return null;
        }

        try
        {
            var fd = EventFd(0, EfdNonBlock | EfdCloexec);
            return fd < 0 ? null : new PreciseWakeups(fd);
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Calls <paramref name="wake"/> with <paramref name="token"/> on the thread pool at <paramref name="realTimestamp"/> (a <see cref="Stopwatch"/> timestamp), not before.</summary>
    public void Schedule(long realTimestamp, Action<long> wake, long token)
    {
        bool nearer;
        lock (_lock)
        {
            _due.Enqueue((wake, token), realTimestamp);
            nearer = realTimestamp < _nextDue;
            if (nearer)
            {
                _nextDue = realTimestamp;
            }
        }

        if (nearer)
        {
            ulong one = 1;
            _ = Write(_eventFd, ref one, sizeof(ulong));
        }
    }

    private void Run()
    {
        var pollFd = new PollFd { Fd = _eventFd, Events = PollIn };
        while (true)
        {
            long wait;
            lock (_lock)
            {
                var now = Stopwatch.GetTimestamp();
                while (_due.TryPeek(out var entry, out var at) && at <= now)
                {
                    _due.Dequeue();
                    ThreadPool.UnsafeQueueUserWorkItem(static e => e.Wake(e.Token), entry, preferLocal: false);
                }

                _nextDue = _due.TryPeek(out _, out var next) ? next : long.MaxValue;
                wait = _nextDue == long.MaxValue ? -1 : _nextDue - now;
            }

            var timeout = wait < 0 ? new Timespec { Seconds = 3600 } : new Timespec { Seconds = wait / 1_000_000_000, Nanoseconds = wait % 1_000_000_000 };
            if (PPoll(ref pollFd, 1, ref timeout, IntPtr.Zero) > 0)
            {
                ulong rung = 0;
                _ = Read(_eventFd, ref rung, sizeof(ulong));
            }
        }
    }

    private const int EfdNonBlock = 0x800;
    private const int EfdCloexec = 0x80000;
    private const short PollIn = 0x1;

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "eventfd")]
    private static partial int EventFd(uint initialValue, int flags);

    [LibraryImport("libc", EntryPoint = "ppoll")]
    private static partial int PPoll(ref PollFd fds, nuint count, ref Timespec timeout, IntPtr signalMask);

    [LibraryImport("libc", EntryPoint = "write")]
    private static partial nint Write(int fd, ref ulong value, nuint count);

    [LibraryImport("libc", EntryPoint = "read")]
    private static partial nint Read(int fd, ref ulong value, nuint count);
}
