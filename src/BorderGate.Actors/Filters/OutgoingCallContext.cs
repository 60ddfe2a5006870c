using BorderGate.Actors.Invocation;
using BorderGate.Actors.Runtime;

namespace BorderGate.Actors.Filters;

/// <summary>
/// Runs a call through the outgoing filters and then delivers it (to a local activation, or, in a cluster, wherever the
/// grain lives — the filters run once, on the caller's silo). Only used when filters are registered.
/// </summary>
internal sealed class OutgoingCallContext<TRequest, TResult> : IOutgoingGrainCallContext
    where TRequest : struct, IGrainRequest<TResult>
{
    private readonly IOutgoingGrainCallFilter[] _filters;
    private readonly IDirectGrainCallInvoker _invoker;
    private readonly GrainReference _target;
    private readonly TRequest _request;
    private int _next;
    private object?[]? _arguments;

    private OutgoingCallContext(IOutgoingGrainCallFilter[] filters, IDirectGrainCallInvoker invoker, GrainReference target, TRequest request, GrainId? sourceId)
    {
        _filters = filters;
        _invoker = invoker;
        _target = target;
        _request = request;
        SourceId = sourceId;
    }

    public GrainId TargetId => _target.GrainId;

    public GrainId? SourceId { get; }

    public GrainMethodInfo Method => _request.Method;

    public object?[] Arguments => _arguments ??= _request.GetArguments();

    public object? Result { get; set; }

    public static async ValueTask<TResult> InvokeAsync(IOutgoingGrainCallFilter[] filters, IDirectGrainCallInvoker invoker, GrainReference target, TRequest request)
    {
        var source = TurnContext.Current?.Activation.GrainId;
        var context = new OutgoingCallContext<TRequest, TResult>(filters, invoker, target, request, source);
        await context.Invoke();
        return context.Result is TResult result ? result : default!;
    }

    public async Task Invoke()
    {
        if (_next < _filters.Length)
        {
            await _filters[_next++].Invoke(this);
            return;
        }

        Result = await _invoker.InvokeDirect<TRequest, TResult>(_target, _request);
    }
}

/// <summary>Delivers a call past the outgoing filters (what the last filter calls).</summary>
internal interface IDirectGrainCallInvoker
{
    ValueTask<TResult> InvokeDirect<TRequest, TResult>(GrainReference target, in TRequest request)
        where TRequest : struct, IGrainRequest<TResult>;
}
