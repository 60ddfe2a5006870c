using System.Diagnostics;
using BorderGate.Actors.Diagnostics;
using BorderGate.Actors.Invocation;

namespace BorderGate.Actors.Runtime;

internal sealed partial class ActivationData : IThreadPoolWorkItem
{
    // Turns run one at a time, on whichever thread holds _executing: the caller's own thread when the
    // activation is idle (the inline fast path, no queueing and no allocation), else a thread-pool pump.
    private const int PumpBudget = 128;

    private readonly Lock _lock = new();
    private ActivationState _state = ActivationState.Activating;
    private bool _executing;
    private TurnContext? _activeTurns;
    private TurnContext? _spareTurn;
    private TurnItem? _pendingHead;
    private TurnItem? _pendingTail;
    private int _pendingCount;
    private Queue<Continuation>? _continuations;
    private long _arrivals;

    /// <summary>
    /// How many priority turns may be queued ahead of the first ordinary one still waiting before it is no longer overtaken:
    /// at least one ordinary turn runs for every this many priority ones, however steady their stream.
    /// </summary>
    internal const int MaxOvertaken = 8;

    /// <summary>Calls waiting to start plus continuations waiting to run.</summary>
    internal int MailboxDepth => _pendingCount + (_continuations?.Count ?? 0);

    internal bool IsInvalid => _state == ActivationState.Invalid;

    internal static TurnKind KindOf(GrainMethodInfo method) =>
        (method.IsReadOnly ? TurnKind.ReadOnly : 0) | (method.AlwaysInterleave ? TurnKind.AlwaysInterleave : 0) | (method.IsPriority ? TurnKind.Priority : 0);

    /// <summary>
    /// Delivers a call. Runs it on the calling thread when the activation is idle; otherwise queues it.
    /// False when this activation is gone and the caller must look the grain up again.
    /// </summary>
    internal bool TryInvoke<TRequest, TResult>(in TRequest request, out ValueTask<TResult> result)
        where TRequest : struct, IGrainRequest<TResult>
    {
        var method = request.Method;
        var kind = KindOf(method);
        var caller = TurnContext.Current;

        // A one-way call is on no chain: its sender waits for nothing, so nothing can deadlock on it.
        var upstream = method.IsOneWay ? null : caller?.Outgoing;
        TurnContext? turn = null;
        RequestTurn<TRequest, TResult>? queued = null;
        var schedule = false;
        lock (_lock)
        {
            if (_state == ActivationState.Invalid)
            {
                result = default;
                return false;
            }

            if (!_executing && _pendingHead is null && (_continuations is null || _continuations.Count == 0) && CanStartLocked(kind, upstream))
            {
                _executing = true;
                turn = AdmitLocked(kind, upstream, keepsAlive: true);
            }
            else
            {
                queued = new RequestTurn<TRequest, TResult>(_runtime, request, upstream);
                EnqueueLocked(queued, atFront: false);
                schedule = TryClaimPumpLocked();
            }
        }

        if (queued is not null)
        {
            queued.ArmDeadline();
            if (schedule)
            {
                SchedulePump();
            }

            result = queued.Task;
            return true;
        }

        result = RunInline<TRequest, TResult>(request, turn!);
        return true;
    }

    private ValueTask<TResult> RunInline<TRequest, TResult>(TRequest request, TurnContext turn)
        where TRequest : struct, IGrainRequest<TResult>
    {
        var method = request.Method;
        var startTimestamp = ActorDiagnostics.CallDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        var previousContext = SynchronizationContext.Current;
        var previousActivity = Activity.Current;
        var activity = StartCallActivity(method, default);
        ValueTask<TResult> running;
        SynchronizationContext.SetSynchronizationContext(turn);
        try
        {
            running = InvokeGrain<TRequest, TResult>(ref request);
        }
        catch (Exception exception)
        {
            running = ValueTask.FromException<TResult>(exception);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previousContext);
            if (activity is not null)
            {
                Activity.Current = previousActivity;
            }
        }

        if (running.IsCompleted)
        {
            EndCallTelemetry(method, activity, startTimestamp, running.IsCompletedSuccessfully ? null : GetException(running));
            CompleteTurn(turn, keepsAlive: true, releaseExecution: true);
            return running;
        }

        var follower = new RequestTurn<TRequest, TResult>(_runtime, request, turn.Upstream);
        follower.Follow(this, turn, running, activity, startTimestamp);
        ReleaseExecution();
        return follower.Task;
    }

    private static Exception? GetException<TResult>(ValueTask<TResult> completed)
    {
        try
        {
            _ = completed.Result;
            return null;
        }
        catch (Exception exception)
        {
            return exception;
        }
    }

    /// <summary>Calls the grain method, through the incoming call filters when there are any.</summary>
    internal ValueTask<TResult> InvokeGrain<TRequest, TResult>(ref TRequest request)
        where TRequest : struct, IGrainRequest<TResult>
    {
        var grain = _grain ?? throw new InvalidOperationException($"Grain {GrainId} is not activated.");
        if (ActorDiagnostics.Calls.Enabled)
        {
            ActorDiagnostics.Calls.Add(1, new KeyValuePair<string, object?>(ActorDiagnostics.GrainInterfaceTag, request.Method.InterfaceName));
        }

        return _runtime.IncomingFilters.Length == 0
            ? request.Invoke(grain)
            : BorderGate.Actors.Filters.IncomingCallContext<TRequest, TResult>.InvokeAsync(_runtime.IncomingFilters, GrainId, grain, request);
    }

    internal Activity? StartCallActivity(GrainMethodInfo method, ActivityContext parent)
    {
        if (!ActorDiagnostics.ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = parent == default
            ? ActorDiagnostics.ActivitySource.StartActivity(method.ActivityName, ActivityKind.Internal)
            : ActorDiagnostics.ActivitySource.StartActivity(method.ActivityName, ActivityKind.Internal, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(ActorDiagnostics.GrainIdTag, GrainId.ToString());
            activity.SetTag(ActorDiagnostics.GrainTypeTag, GrainId.Type);
            activity.SetTag(ActorDiagnostics.GrainMethodTag, method.MethodName);
        }

        return activity;
    }

    internal void EndCallTelemetry(GrainMethodInfo method, Activity? activity, long startTimestamp, Exception? failure)
    {
        if (failure is not null)
        {
            ActorDiagnostics.CallFailures.Add(1, new KeyValuePair<string, object?>(ActorDiagnostics.GrainInterfaceTag, method.InterfaceName));
        }

        if (activity is not null)
        {
            if (failure is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, failure.Message);
                activity.AddException(failure);
            }

            activity.Dispose();
        }

        if (startTimestamp != 0 && ActorDiagnostics.CallDuration.Enabled)
        {
            ActorDiagnostics.CallDuration.Record(
                Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds,
                new KeyValuePair<string, object?>(ActorDiagnostics.GrainTypeTag, GrainId.Type),
                new KeyValuePair<string, object?>(ActorDiagnostics.GrainInterfaceTag, method.InterfaceName),
                new KeyValuePair<string, object?>(ActorDiagnostics.GrainMethodTag, method.MethodName));
        }
    }

    /// <summary>Puts a runtime turn (lifecycle, timer tick, delivery) in the queue. False when the activation is gone.</summary>
    internal bool TryEnqueue(TurnItem item, bool atFront = false)
    {
        bool schedule;
        lock (_lock)
        {
            if (_state == ActivationState.Invalid)
            {
                return false;
            }

            EnqueueLocked(item, atFront);
            schedule = TryClaimPumpLocked();
        }

        if (schedule)
        {
            SchedulePump();
        }

        return true;
    }

    /// <summary>An await continuation of one of this activation's turns.</summary>
    internal void EnqueueContinuation(TurnContext turn, SendOrPostCallback callback, object? state)
    {
        bool schedule;
        lock (_lock)
        {
            (_continuations ??= new Queue<Continuation>()).Enqueue(new Continuation(turn, callback, state, ++_arrivals));
            schedule = TryClaimPumpLocked();
        }

        if (schedule)
        {
            SchedulePump();
        }
    }

    /// <summary>Ends a turn: it no longer blocks others, and waiting work may start.</summary>
    internal void CompleteTurn(TurnContext turn, bool keepsAlive, bool releaseExecution = false)
    {
        var schedule = false;
        lock (_lock)
        {
            RemoveActiveLocked(turn);
            if (keepsAlive)
            {
                _lastUsedTick = _runtime.Catalog.CollectionTick;
            }

            if (releaseExecution)
            {
                _executing = false;
                if (_spareTurn is null && turn.NextActive is null)
                {
                    _spareTurn = turn;
                }
            }

            if (_deactivateOnIdle && _activeTurns is null && _state == ActivationState.Valid
                && TryCreateDeactivationLocked(DeactivationReason.ApplicationRequested, out var deactivation))
            {
                _deactivateOnIdle = false;
                EnqueueLocked(deactivation, atFront: true);
            }

            schedule = TryClaimPumpLocked();
        }

        if (schedule)
        {
            SchedulePump();
        }
    }

    private void ReleaseExecution()
    {
        bool schedule;
        lock (_lock)
        {
            _executing = false;
            schedule = TryClaimPumpLocked();
        }

        if (schedule)
        {
            SchedulePump();
        }
    }

    private bool TryClaimPumpLocked()
    {
        if (_executing)
        {
            return false;
        }

        if ((_continuations is { Count: > 0 }) || FindStartableLocked(out _) is not null)
        {
            _executing = true;
            return true;
        }

        return false;
    }

    private void SchedulePump() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    /// <summary>The pump: runs continuations and startable turns until none is left (or its budget is spent).</summary>
    void IThreadPoolWorkItem.Execute()
    {
        var budget = PumpBudget;
        while (true)
        {
            Continuation continuation = default;
            TurnItem? item = null;
            TurnContext? turn = null;
            lock (_lock)
            {
                if (--budget == 0)
                {
                    // Be fair to other activations on the pool: keep _executing and come back later.
                    SchedulePump();
                    return;
                }

                // First come, first served between continuations of running turns and turns that may start
                // now, so that a reentrant grain's calls interleave instead of one running to its end.
                var startable = FindStartableLocked(out var previous);
                if (_continuations is { Count: > 0 } && (startable is null || _continuations.Peek().Sequence < startable.Sequence))
                {
                    continuation = _continuations.Dequeue();
                }
                else if ((item = startable) is not null)
                {
                    RemovePendingLocked(item, previous);
                    turn = AdmitLocked(item.Kind, item.Upstream, item.KeepsAlive);
                }
                else
                {
                    _executing = false;
                    return;
                }
            }

            var runAs = turn ?? continuation.Turn;
            SynchronizationContext.SetSynchronizationContext(runAs);
            try
            {
                if (item is not null)
                {
                    item.Start(this, turn!);
                }
                else
                {
                    continuation.Callback(continuation.State);
                }
            }
            catch (Exception exception)
            {
                LogTurnFailed(_runtime.Logger, GrainId, exception);
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(null);
            }
        }
    }

    private void EnqueueLocked(TurnItem item, bool atFront)
    {
        item.Next = null;
        item.Sequence = atFront ? long.MinValue : ++_arrivals;
        if (_pendingHead is null)
        {
            _pendingHead = _pendingTail = item;
        }
        else if (atFront)
        {
            item.Next = _pendingHead;
            _pendingHead = item;
        }
        else if ((item.Kind & TurnKind.Priority) != 0 && (_pendingTail!.Kind & TurnKind.Priority) == 0)
        {
            // Ahead of the ordinary turns: after the lifecycle turns and the priority turns already waiting, and after the
            // ordinary turns that have been overtaken often enough, so that a steady stream of priority calls cannot starve
            // the others (a busy gate's snapshot timed out behind its lanes' calls).
            TurnItem? previous = null;
            var current = _pendingHead;
            while (current is not null
                && (current.Sequence == long.MinValue || (current.Kind & (TurnKind.Priority | TurnKind.Lifecycle)) != 0 || current.Overtaken >= MaxOvertaken))
            {
                previous = current;
                current = current.Next;
            }

            if (current is not null)
            {
                current.Overtaken++;
            }

            item.Next = current;
            if (previous is null)
            {
                _pendingHead = item;
            }
            else
            {
                previous.Next = item;
            }

            if (current is null)
            {
                // Only lifecycle turns were waiting: the priority turn is the last one now.
                _pendingTail = item;
            }
        }
        else
        {
            _pendingTail!.Next = item;
            _pendingTail = item;
        }

        _pendingCount++;
    }

    private void RemovePendingLocked(TurnItem item, TurnItem? previous)
    {
        if (previous is null)
        {
            _pendingHead = item.Next;
        }
        else
        {
            previous.Next = item.Next;
        }

        if (_pendingTail == item)
        {
            _pendingTail = previous;
        }

        item.Next = null;
        _pendingCount--;
    }

    /// <summary>
    /// The first waiting turn that may start now: the head of the queue if it may, else (so that A→B→A and
    /// interleaving calls never wait behind blocked calls) the first one that interleaves by nature.
    /// </summary>
    private TurnItem? FindStartableLocked(out TurnItem? previous)
    {
        previous = null;
        var head = _pendingHead;
        if (head is null)
        {
            return null;
        }

        if (CanStartLocked(head.Kind, head.Upstream))
        {
            return head;
        }

        if (_state != ActivationState.Valid || _activeTurns is null)
        {
            return null;
        }

        for (TurnItem? prev = head, item = head.Next; item is not null; prev = item, item = item.Next)
        {
            if ((item.Kind & TurnKind.Lifecycle) == 0 && InterleavesLocked(item.Kind, item.Upstream))
            {
                previous = prev;
                return item;
            }
        }

        return null;
    }

    private bool CanStartLocked(TurnKind kind, CallChain? upstream)
    {
        if ((kind & TurnKind.Lifecycle) != 0)
        {
            return _activeTurns is null;
        }

        if (_state != ActivationState.Valid)
        {
            return false;
        }

        if (_activeTurns is null)
        {
            return true;
        }

        if ((kind & TurnKind.ReadOnly) != 0 && AllActiveReadOnlyLocked())
        {
            return true;
        }

        return InterleavesLocked(kind, upstream);
    }

    /// <summary>
    /// Whether a turn may run beside the running ones: the grain is reentrant, the method always interleaves, or one of this
    /// activation's running turns waits up the call's chain (a call back into it, which would otherwise deadlock).
    /// </summary>
    private bool InterleavesLocked(TurnKind kind, CallChain? upstream)
    {
        if (_grainClass.IsReentrant || (kind & TurnKind.AlwaysInterleave) != 0)
        {
            return true;
        }

        if (upstream is null)
        {
            return false;
        }

        for (var active = _activeTurns; active is not null; active = active.NextActive)
        {
            if (active.OutgoingIfAny is { } waiting && upstream.Contains(waiting))
            {
                return true;
            }
        }

        return false;
    }

    private bool AllActiveReadOnlyLocked()
    {
        for (var active = _activeTurns; active is not null; active = active.NextActive)
        {
            if (!active.IsReadOnly)
            {
                return false;
            }
        }

        return true;
    }

    private TurnContext AdmitLocked(TurnKind kind, CallChain? upstream, bool keepsAlive)
    {
        var turn = _spareTurn ?? new TurnContext(this);
        _spareTurn = null;
        turn.Upstream = upstream;
        turn.IsReadOnly = (kind & TurnKind.ReadOnly) != 0;
        turn.NextActive = _activeTurns;
        _activeTurns = turn;
        if (keepsAlive)
        {
            _lastUsedTick = _runtime.Catalog.CollectionTick;
        }

        return turn;
    }

    private void RemoveActiveLocked(TurnContext turn)
    {
        if (_activeTurns == turn)
        {
            _activeTurns = turn.NextActive;
        }
        else
        {
            for (var active = _activeTurns; active is not null; active = active.NextActive)
            {
                if (active.NextActive == turn)
                {
                    active.NextActive = turn.NextActive;
                    break;
                }
            }
        }

        turn.NextActive = null;
    }

    private readonly record struct Continuation(TurnContext Turn, SendOrPostCallback Callback, object? State, long Sequence);
}
