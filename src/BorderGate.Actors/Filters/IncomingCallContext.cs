using BorderGate.Actors.Invocation;

namespace BorderGate.Actors.Filters;

/// <summary>Runs a call through the incoming filters and then the grain. Only used when filters are registered.</summary>
internal sealed class IncomingCallContext<TRequest, TResult> : IIncomingGrainCallContext
    where TRequest : struct, IGrainRequest<TResult>
{
    private readonly IIncomingGrainCallFilter[] _filters;
    private TRequest _request;
    private int _next;
    private object?[]? _arguments;

    private IncomingCallContext(IIncomingGrainCallFilter[] filters, GrainId targetId, object grain, TRequest request)
    {
        _filters = filters;
        TargetId = targetId;
        Grain = grain;
        _request = request;
    }

    public GrainId TargetId { get; }

    public object Grain { get; }

    public GrainMethodInfo Method => _request.Method;

    public object?[] Arguments => _arguments ??= _request.GetArguments();

    public object? Result { get; set; }

    public static async ValueTask<TResult> InvokeAsync(IIncomingGrainCallFilter[] filters, GrainId targetId, object grain, TRequest request)
    {
        var context = new IncomingCallContext<TRequest, TResult>(filters, targetId, grain, request);
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

        Result = await _request.Invoke(Grain);
    }
}
