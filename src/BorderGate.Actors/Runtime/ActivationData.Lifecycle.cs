using BorderGate.Actors.Diagnostics;
using BorderGate.Actors.Timers;

namespace BorderGate.Actors.Runtime;

internal sealed partial class ActivationData
{
    private long _lastUsedTick;
    private DateTimeOffset _keepAliveUntil;
    private bool _deactivateOnIdle;
    private SystemTurn? _deactivation;

    /// <summary>Queues the activation turn; called once, by the catalog, right after creating the activation.</summary>
    internal void StartActivation() =>
        TryEnqueue(new SystemTurn(ActivateAsync, TurnKind.Lifecycle, keepsAlive: true), atFront: true);

    private bool _registered;

    private async Task ActivateAsync(CancellationToken cancellationToken)
    {
        try
        {
            // In a cluster the grain is activated only where the directory says it lives: registered here first, or the
            // waiting calls are sent to the silo that holds it (GrainMovedException, caught by the cluster's invoker).
            if (_runtime.Cluster is { } cluster)
            {
                await cluster.RegisterActivationAsync(GrainId, cancellationToken);
                bool aborted;
                lock (_lock)
                {
                    aborted = _state == ActivationState.Invalid;
                    _registered = !aborted;
                }

                if (aborted)
                {
                    // Aborted while it registered (the silo fenced or stopping): the row it got is given back, and the grain
                    // is not built.
                    cluster.UnregisterActivation(GrainId);
                    return;
                }
            }

            using (GrainContextScope.Enter(this))
            {
                _grain = _grainClass.Factory(_runtime.Services, this);
            }

            using var timeout = new CancellationTokenSource(_runtime.Options.LifecycleHookTimeout, _runtime.TimeProvider);
            if (_states is not null)
            {
                foreach (var state in _states)
                {
                    await state.LoadAsync(timeout.Token);
                }
            }

            if (_grain is Grain grain && !IsAborted())
            {
                await grain.OnActivateAsync(timeout.Token);
            }

            lock (_lock)
            {
                if (_state == ActivationState.Invalid)
                {
                    // Aborted meanwhile: it stays out of service (its waiting calls failed already); no hook runs after an
                    // abort, none of the grain's code is run again.
                    return;
                }

                _state = ActivationState.Valid;
            }

            ActorDiagnostics.ActivationsCreated.Add(1, new KeyValuePair<string, object?>(ActorDiagnostics.GrainTypeTag, GrainId.Type));
            LogActivated(_runtime.Logger, GrainId);
        }
        catch (Exception exception)
        {
            if (exception is not Cluster.GrainMovedException)
            {
                LogActivationFailed(_runtime.Logger, GrainId, exception);
            }

            // State read failures reach the caller as they are (a storage error is a storage error), and so does a grain
            // that lives on another silo; anything else is wrapped so the caller knows the grain never started.
            var failure = exception is GrainStorageException or GrainStateSerializationException or GrainActivationException or Cluster.GrainMovedException
                ? exception
                : new GrainActivationException($"Activation of grain {GrainId} failed: {exception.Message}", exception);
            Invalidate(failure);
        }
    }

    private bool IsAborted()
    {
        lock (_lock)
        {
            return _state == ActivationState.Invalid;
        }
    }

    /// <summary>The grain asked to be deactivated once its current turn ends.</summary>
    public void DeactivateOnIdle()
    {
        lock (_lock)
        {
            _deactivateOnIdle = true;
        }
    }

    public void DelayDeactivation(TimeSpan timeSpan)
    {
        var until = _runtime.TimeProvider.GetUtcNow() + timeSpan;
        lock (_lock)
        {
            if (until > _keepAliveUntil)
            {
                _keepAliveUntil = until;
            }
        }
    }

    /// <summary>Starts deactivation if the activation has been idle for the idle timeout. Called by the collector.</summary>
    internal void CollectIfIdle(long currentTick, long idleTicks, DateTimeOffset now)
    {
        SystemTurn? deactivation;
        lock (_lock)
        {
            if (_state != ActivationState.Valid || _executing || _activeTurns is not null || _pendingHead is not null
                || currentTick - _lastUsedTick < idleTicks || now < _keepAliveUntil)
            {
                return;
            }

            if (!TryCreateDeactivationLocked(DeactivationReason.IdleTimeout, out deactivation))
            {
                return;
            }

            EnqueueLocked(deactivation, atFront: true);
            _executing = true;
        }

        SchedulePump();
    }

    /// <summary>Deactivates now (runtime shutdown); completes when the activation is gone.</summary>
    internal Task DeactivateAsync(DeactivationReason reason)
    {
        SystemTurn deactivation;
        bool schedule;
        lock (_lock)
        {
            if (_state == ActivationState.Invalid)
            {
                return Task.CompletedTask;
            }

            if (!TryCreateDeactivationLocked(reason, out deactivation))
            {
                return deactivation.Completion;
            }

            EnqueueLocked(deactivation, atFront: true);
            schedule = TryClaimPumpLocked();
        }

        if (schedule)
        {
            SchedulePump();
        }

        return deactivation.Completion;
    }

    /// <summary>
    /// Takes the activation out of service at once, when a stop can wait no longer for its running turns (a
    /// grain method that never returns): waiting calls fail, the turn left running is abandoned.
    /// </summary>
    internal void Abort() => Abort(new ObjectDisposedException(nameof(ActivationData), $"The grain runtime stopped while grain {GrainId} was still busy; the call was not run."));

    /// <summary>Takes the activation out of service at once, its waiting calls failed with <paramref name="failure"/>.</summary>
    internal void Abort(Exception failure)
    {
        lock (_lock)
        {
            if (_state == ActivationState.Invalid)
            {
                _runtime.Catalog.Remove(this);
                return;
            }
        }

        LogAborted(_runtime.Logger, GrainId);
        Invalidate(failure);
    }

    /// <summary>False (with the one already under way) when a deactivation was already queued.</summary>
    private bool TryCreateDeactivationLocked(DeactivationReason reason, out SystemTurn deactivation)
    {
        if (_deactivation is not null)
        {
            deactivation = _deactivation;
            return false;
        }

        deactivation = _deactivation = new SystemTurn(ct => RunDeactivationAsync(reason, ct), TurnKind.Lifecycle, keepsAlive: false);
        return true;
    }

    private async Task RunDeactivationAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        bool neverActivated;
        lock (_lock)
        {
            if (_state is ActivationState.Invalid or ActivationState.Deactivating)
            {
                return;
            }

            // Asked to go before its activation turn ran (a stop right after a first call): it never started,
            // so it has no hook to run; it just leaves, and its waiting calls go to the grain's next activation.
            neverActivated = _state == ActivationState.Activating;
            _state = ActivationState.Deactivating;
        }

        if (neverActivated)
        {
            Invalidate(failure: null);
            return;
        }

        try
        {
            if (_grain is Grain grain)
            {
                using var timeout = new CancellationTokenSource(_runtime.Options.LifecycleHookTimeout, _runtime.TimeProvider);
                await grain.OnDeactivateAsync(reason, timeout.Token);
            }
        }
        catch (Exception exception)
        {
            LogDeactivationHookFailed(_runtime.Logger, GrainId, exception);
        }

        LogDeactivated(_runtime.Logger, GrainId, reason);
        Invalidate(failure: null);
    }

    /// <summary>Takes the activation out of service: stops timers, leaves the catalog, and sends waiting calls on (or fails them).</summary>
    private void Invalidate(Exception? failure)
    {
        TurnItem? pending;
        List<GrainTimer>? timers;
        lock (_lock)
        {
            _state = ActivationState.Invalid;
            pending = _pendingHead;
            _pendingHead = _pendingTail = null;
            _pendingCount = 0;
            timers = _timers;
            _timers = null;
        }

        if (timers is not null)
        {
            foreach (var timer in timers)
            {
                timer.Stop();
            }
        }

        _runtime.Catalog.Remove(this);
        if (_registered)
        {
            _registered = false;
            _runtime.Cluster?.UnregisterActivation(GrainId);
        }

        while (pending is not null)
        {
            var next = pending.Next;
            pending.Next = null;
            pending.Abandon(this, failure);
            pending = next;
        }
    }
}
