using System.Diagnostics;
using System.Threading.Tasks.Sources;
using BorderGate.Actors.Diagnostics;
using BorderGate.Actors.Invocation;
using BorderGate.Actors.Hosting;

namespace BorderGate.Actors.Runtime;

/// <summary>
/// A grain call that could not complete at once: either it waits in the activation's queue, or it started
/// inline and its grain method went async. It is the caller's promise, with the call's deadline.
/// </summary>
internal sealed class RequestTurn<TRequest, TResult> : TurnItem, IValueTaskSource<TResult>, IDeadline
    where TRequest : struct, IGrainRequest<TResult>
{
    private readonly ActorRuntime _runtime;
    private readonly TimeSpan _timeout;
    private ManualResetValueTaskSourceCore<TResult> _promise;
    private TRequest _request;
    private ActivationData? _activation;
    private TurnContext? _turn;
    private ValueTask<TResult> _running;
    private Activity? _activity;
    private ActivityContext _parentContext;
    private long _startTimestamp;
    private long _deadlineId;
    private int _completed;

    public RequestTurn(ActorRuntime runtime, in TRequest request, CallChain? upstream)
    {
        _runtime = runtime;
        _request = request;
        _promise.RunContinuationsAsynchronously = true;
        Upstream = upstream;
        Kind = ActivationData.KindOf(request.Method);
        _timeout = request.Method.ResponseTimeout ?? runtime.Options.DefaultResponseTimeout;
        _startTimestamp = Stopwatch.GetTimestamp();
        if (ActorDiagnostics.ActivitySource.HasListeners() && Activity.Current is { } parent)
        {
            // Queued calls run on the activation's thread, not the caller's: carry the trace parent with the call.
            _parentContext = parent.Context;
        }
    }

    public ValueTask<TResult> Task => new(this, _promise.Version);

    public GrainMethodInfo Method => _request.Method;

    /// <summary>Starts the deadline clock.</summary>
    /// <summary>
    /// Starts the caller's deadline. A one-way call has none: nobody waits for its answer, and a deadline would only drop
    /// it unrun from a busy grain's queue (a device's event, lost because the gate was busy).
    /// </summary>
    public void ArmDeadline()
    {
        if (!_request.Method.IsOneWay)
        {
            _deadlineId = _runtime.Deadlines.Register(this, _timeout);
        }
    }

    /// <summary>A call that started inline went async: follow the running grain method to its end.</summary>
    public void Follow(ActivationData activation, TurnContext turn, ValueTask<TResult> running, Activity? activity, long startTimestamp)
    {
        _activation = activation;
        _turn = turn;
        _activity = activity;
        _startTimestamp = startTimestamp;
        _running = running;
        ArmDeadline();
        _running.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(OnGrainCompleted);
    }

    public override void Start(ActivationData activation, TurnContext turn)
    {
        _activation = activation;
        _turn = turn;
        if (Volatile.Read(ref _completed) != 0)
        {
            // The caller gave up (deadline) before the call started: don't run work nobody waits for.
            activation.CompleteTurn(turn, keepsAlive: false);
            return;
        }

        if (ActorDiagnostics.CallQueued.Enabled)
        {
            ActorDiagnostics.CallQueued.Record(
                Stopwatch.GetElapsedTime(_startTimestamp).TotalMilliseconds,
                new KeyValuePair<string, object?>(ActorDiagnostics.GrainTypeTag, activation.GrainId.Type),
                new KeyValuePair<string, object?>(ActorDiagnostics.GrainInterfaceTag, _request.Method.InterfaceName),
                new KeyValuePair<string, object?>(ActorDiagnostics.GrainMethodTag, _request.Method.MethodName));
        }

        var previousActivity = Activity.Current;
        _activity = activation.StartCallActivity(_request.Method, _parentContext);
        ValueTask<TResult> running;
        try
        {
            running = activation.InvokeGrain<TRequest, TResult>(ref _request);
        }
        catch (Exception exception)
        {
            running = ValueTask.FromException<TResult>(exception);
        }
        finally
        {
            if (_activity is not null)
            {
                Activity.Current = previousActivity;
            }
        }

        if (running.IsCompleted)
        {
            _running = running;
            OnGrainCompleted();
        }
        else
        {
            _running = running;
            _running.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(OnGrainCompleted);
        }
    }

    public override void Abandon(ActivationData activation, Exception? failure)
    {
        if (failure is not null)
        {
            Fail(failure);
            return;
        }

        _runtime.Redispatch(activation.GrainId, this);
    }

    public void Expire()
    {
        var exception = new GrainCallTimeoutException(
            $"{_request.Method.ActivityName} on grain {_activation?.GrainId.ToString() ?? "(not yet activated)"} did not complete within {_timeout}.");
        if (Fail(exception))
        {
            ActorDiagnostics.CallTimeouts.Add(1);
        }
    }

    public bool Fail(Exception exception)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        _runtime.Deadlines.Unregister(_deadlineId);
        _promise.SetException(exception);
        return true;
    }

    private void OnGrainCompleted()
    {
        Exception? failure = null;
        TResult result = default!;
        try
        {
            result = _running.Result;
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        _activation!.EndCallTelemetry(_request.Method, _activity, _startTimestamp, failure);
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            _runtime.Deadlines.Unregister(_deadlineId);
            if (failure is null)
            {
                _promise.SetResult(result);
            }
            else
            {
                _promise.SetException(failure);
            }
        }

        _activation.CompleteTurn(_turn!, keepsAlive: true);
    }

    TResult IValueTaskSource<TResult>.GetResult(short token) => _promise.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<TResult>.GetStatus(short token) => _promise.GetStatus(token);

    void IValueTaskSource<TResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _promise.OnCompleted(continuation, state, token, flags);
}
