namespace BorderGate.Devices.Simulation;

/// <summary>Faults a simulated device can be told to show, for tests and drills. Each one-shot fault is used up by the next message or command it applies to.</summary>
public sealed class SimulatedDeviceFaults
{
    private int _dropCommands;
    private int _repeatSeq;
    private int _rewindSeq;
    private int _skipSeq;

    /// <summary>The next <paramref name="count"/> commands get no ack at all (as if lost); a later retry of the same command id is treated as new.</summary>
    public void DropNextCommands(int count) => Interlocked.Exchange(ref _dropCommands, count);

    /// <summary>Extra wait before every ack (a slow device).</summary>
    public TimeSpan AckDelay { get; set; }

    /// <summary>No heartbeats while set (the device turns stale if it sends nothing else).</summary>
    public bool SilenceHeartbeats { get; set; }

    /// <summary>The next message repeats the previous seq (a duplicate).</summary>
    public void RepeatNextSeq() => Interlocked.Exchange(ref _repeatSeq, 1);

    /// <summary>The next message carries an older seq (out of order).</summary>
    public void RewindNextSeq() => Interlocked.Exchange(ref _rewindSeq, 1);

    /// <summary>The next message skips <paramref name="count"/> seq numbers (a gap).</summary>
    public void SkipSeq(int count) => Interlocked.Exchange(ref _skipSeq, count);

    /// <summary>Crane: the next move stops halfway with a hoist fault.</summary>
    public bool FaultMidMove { get; set; }

    /// <summary>Vehicle: the next drive stops halfway with a breakdown.</summary>
    public bool BreakdownOnRoute { get; set; }

    internal bool TakeDroppedCommand()
    {
        while (true)
        {
            var left = Volatile.Read(ref _dropCommands);
            if (left <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _dropCommands, left - 1, left) == left)
            {
                return true;
            }
        }
    }

    internal long NextSeq(ref long seq)
    {
        if (Interlocked.Exchange(ref _repeatSeq, 0) == 1)
        {
            return Interlocked.Read(ref seq);
        }

        if (Interlocked.Exchange(ref _rewindSeq, 0) == 1)
        {
            return Interlocked.Read(ref seq) - 1;
        }

        var skip = Interlocked.Exchange(ref _skipSeq, 0);
        return Interlocked.Add(ref seq, 1 + skip);
    }
}
