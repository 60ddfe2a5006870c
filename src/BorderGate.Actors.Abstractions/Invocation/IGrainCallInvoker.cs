namespace BorderGate.Actors.Invocation;

/// <summary>The runtime side of a grain reference: delivers requests to activations.</summary>
public interface IGrainCallInvoker
{
    IGrainFactory GrainFactory { get; }

    ValueTask<TResult> InvokeAsync<TRequest, TResult>(GrainReference target, TRequest request)
        where TRequest : struct, IGrainRequest<TResult>;

    void InvokeOneWay<TRequest>(GrainReference target, TRequest request)
        where TRequest : struct, IGrainRequest<VoidResult>;
}
