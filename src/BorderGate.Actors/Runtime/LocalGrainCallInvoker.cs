using BorderGate.Actors.Filters;
using BorderGate.Actors.Hosting;
using BorderGate.Actors.Invocation;

namespace BorderGate.Actors.Runtime;

/// <summary>
/// Delivers calls from grain references to activations on this silo, through the outgoing filters — or without them, for
/// calls that came from another silo (they ran there, on the caller's side).
/// </summary>
internal sealed partial class LocalGrainCallInvoker(ActorRuntime runtime, bool applyOutgoingFilters = true) : IGrainCallInvoker, IDirectGrainCallInvoker
{
    private readonly ActorRuntime _runtime = runtime;

    public IGrainFactory GrainFactory => _runtime.GrainFactory;

    public ValueTask<TResult> InvokeAsync<TRequest, TResult>(GrainReference target, TRequest request)
        where TRequest : struct, IGrainRequest<TResult>
    {
        if (applyOutgoingFilters && _runtime.OutgoingFilters.Length != 0)
        {
            return BorderGate.Actors.Filters.OutgoingCallContext<TRequest, TResult>.InvokeAsync(_runtime.OutgoingFilters, this, target, request);
        }

        return InvokeDirect<TRequest, TResult>(target, request);
    }

    public ValueTask<TResult> InvokeDirect<TRequest, TResult>(GrainReference target, in TRequest request)
        where TRequest : struct, IGrainRequest<TResult>
    {
        var activation = target.RuntimeTarget as ActivationData;
        while (true)
        {
            if (activation is null || activation.IsInvalid)
            {
                _runtime.ThrowIfStopped();
                activation = _runtime.Catalog.GetOrCreate(target.GrainId);
                target.RuntimeTarget = activation;
            }

            if (activation.TryInvoke<TRequest, TResult>(request, out var result))
            {
                return result;
            }

            activation = null;
        }
    }

    public void InvokeOneWay<TRequest>(GrainReference target, TRequest request)
        where TRequest : struct, IGrainRequest<VoidResult>
    {
        var call = InvokeAsync<TRequest, VoidResult>(target, request);
        if (call.IsCompletedSuccessfully)
        {
            return;
        }

        _ = ObserveOneWayAsync(call, target.GrainId, request.Method);
    }

    /// <summary>Logs a one-way call's failure (nobody awaits it); the cluster's invoker hands its one-way calls here too.</summary>
    internal async Task ObserveOneWayAsync(ValueTask<VoidResult> call, GrainId grainId, GrainMethodInfo method)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            LogOneWayFailed(_runtime.Logger, method.ActivityName, grainId, exception);
        }
    }

    [Microsoft.Extensions.Logging.LoggerMessage(1101, Microsoft.Extensions.Logging.LogLevel.Warning, "One-way call {Method} to grain {GrainId} failed")]
    private static partial void LogOneWayFailed(Microsoft.Extensions.Logging.ILogger logger, string method, GrainId grainId, Exception exception);
}
