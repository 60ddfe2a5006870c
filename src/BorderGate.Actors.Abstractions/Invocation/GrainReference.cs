namespace BorderGate.Actors.Invocation;

/// <summary>Base class of the generated, typed grain proxies.</summary>
public abstract class GrainReference
{
    protected GrainReference(IGrainCallInvoker invoker, GrainId grainId)
    {
        Invoker = invoker;
        GrainId = grainId;
    }

    public GrainId GrainId { get; }

    protected IGrainCallInvoker Invoker { get; }

    /// <summary>The runtime's cache of where this grain lives (an activation on this silo); opaque to everyone else.</summary>
    internal object? RuntimeTarget;

    protected ValueTask<TResult> InvokeAsync<TRequest, TResult>(TRequest request)
        where TRequest : struct, IGrainRequest<TResult> =>
        Invoker.InvokeAsync<TRequest, TResult>(this, request);

    protected void InvokeOneWay<TRequest>(TRequest request)
        where TRequest : struct, IGrainRequest<VoidResult> =>
        Invoker.InvokeOneWay(this, request);

    public override string ToString() => $"GrainReference:{GrainId}";

    public override bool Equals(object? obj) => obj is GrainReference other && other.GrainId == GrainId;

    public override int GetHashCode() => GrainId.GetHashCode();
}
