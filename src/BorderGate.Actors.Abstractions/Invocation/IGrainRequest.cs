namespace BorderGate.Actors.Invocation;

/// <summary>
/// One call of a grain method with its arguments. The source generator emits a struct per method,
/// so that a call that can run at once allocates nothing for its request.
/// </summary>
public interface IGrainRequest<TResult>
{
    GrainMethodInfo Method { get; }

    /// <summary>Calls the method on the grain instance.</summary>
    ValueTask<TResult> Invoke(object grain);

    /// <summary>The arguments, for filters and diagnostics (allocates; not used on the fast path).</summary>
    object?[] GetArguments();
}
