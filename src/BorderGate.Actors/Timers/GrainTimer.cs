using BorderGate.Actors.Diagnostics;
using BorderGate.Actors.Runtime;

namespace BorderGate.Actors.Timers;

/// <summary>
/// A grain timer. Ticks run as turns of the activation; the next tick is armed only after the previous one
/// finished, so ticks never pile up or overlap. It is due one period after the previous tick began: a tick that ran
/// longer than its period (or a clock that jumped while it ran) is followed by the next at once, not a period later.
/// </summary>
internal sealed class GrainTimer : IGrainTimer
{
    private readonly ActivationData _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly bool _interleave;
    private readonly bool _keepAlive;
    private readonly bool _priority;
    private readonly CancellationTokenSource _stopped = new();
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private TimeSpan _dueTime;
    private TimeSpan _period;
    private bool _tickRunning;

    public GrainTimer(ActivationData activation, Func<CancellationToken, Task> callback, GrainTimerOptions options)
    {
        ValidateTimes(options.DueTime, options.Period);
        _activation = activation;
        _callback = callback;
        _interleave = options.Interleave;
        _keepAlive = options.KeepAlive;
        _priority = options.Priority;
        _dueTime = options.DueTime;
        _period = options.Period;
    }

    public void Start()
    {
        lock (_lock)
        {
            _timer = _activation.TimeProvider.CreateTimer(static s => ((GrainTimer)s!).OnDue(), this, _dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    public void Change(TimeSpan dueTime, TimeSpan period)
    {
        ValidateTimes(dueTime, period);
        lock (_lock)
        {
            _dueTime = dueTime;
            _period = period;
            if (!_tickRunning && !_stopped.IsCancellationRequested)
            {
                _timer?.Change(dueTime, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose()
    {
        Stop();
        _activation.RemoveTimer(this);
    }

    internal void Stop()
    {
        lock (_lock)
        {
            if (_stopped.IsCancellationRequested)
            {
                return;
            }

            _stopped.Cancel();
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void OnDue()
    {
        lock (_lock)
        {
            if (_stopped.IsCancellationRequested || _tickRunning)
            {
                return;
            }

            _tickRunning = true;
        }

        var kind = (_interleave ? TurnKind.AlwaysInterleave : TurnKind.Exclusive) | (_priority ? TurnKind.Priority : 0);
        var tick = new SystemTurn(RunTickAsync, kind, _keepAlive, _stopped.Token);
        if (!_activation.TryEnqueue(tick))
        {
            Stop();
        }
    }

    private async Task RunTickAsync(CancellationToken cancellationToken)
    {
        var began = _activation.TimeProvider.GetTimestamp();
        var started = ActorDiagnostics.TimerDuration.Enabled ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
        ActorDiagnostics.TimerTicks.Add(1, new KeyValuePair<string, object?>(ActorDiagnostics.GrainTypeTag, _activation.GrainId.Type));
        try
        {
            await _callback(cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            ActivationData.LogTimerFailed(_activation.Logger, _activation.GrainId, exception);
        }
        finally
        {
            if (started != 0)
            {
                ActorDiagnostics.TimerDuration.Record(
                    System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                    new KeyValuePair<string, object?>(ActorDiagnostics.GrainTypeTag, _activation.GrainId.Type));
            }

            lock (_lock)
            {
                _tickRunning = false;
                if (!_stopped.IsCancellationRequested && _period != Timeout.InfiniteTimeSpan)
                {
                    var due = _period - _activation.TimeProvider.GetElapsedTime(began);
                    _timer?.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                }
            }
        }
    }

    private static void ValidateTimes(TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime < TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, "A timer's due time must be zero or positive.");
        }

        if (period <= TimeSpan.Zero && period != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "A timer's period must be positive, or infinite for a single tick.");
        }
    }
}
