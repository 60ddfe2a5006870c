namespace BorderGate.Actors;

/// <summary>A timer bound to one activation; its ticks are turns of the grain. Dispose to stop it.</summary>
public interface IGrainTimer : IDisposable
{
    /// <summary>Changes when the next tick comes and the period after it.</summary>
    void Change(TimeSpan dueTime, TimeSpan period);
}

/// <summary>How a grain timer ticks.</summary>
public sealed class GrainTimerOptions
{
    public TimeSpan DueTime { get; init; }

    /// <summary><see cref="Timeout.InfiniteTimeSpan"/> for a single tick.</summary>
    public TimeSpan Period { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Whether ticks may interleave with calls at await points.</summary>
    public bool Interleave { get; init; }

    /// <summary>Whether a tick keeps the activation from being collected as idle.</summary>
    public bool KeepAlive { get; init; }

    /// <summary>Whether a due tick waits ahead of the grain's ordinary queued calls, as a <c>[Priority]</c> call does.</summary>
    public bool Priority { get; init; }
}
