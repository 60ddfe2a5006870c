using BorderGate.Actors.Invocation;

namespace BorderGate.Actors;

/// <summary>A grain call passing through call filters.</summary>
public interface IGrainCallContext
{
    GrainId TargetId { get; }

    GrainMethodInfo Method { get; }

    object?[] Arguments { get; }

    /// <summary>The result once <see cref="Invoke"/> completed; a filter may replace it.</summary>
    object? Result { get; set; }

    /// <summary>Calls the next filter, or the grain.</summary>
    Task Invoke();
}

/// <summary>A call seen on the grain's side; <see cref="Grain"/> is the instance being called.</summary>
public interface IIncomingGrainCallContext : IGrainCallContext
{
    object Grain { get; }
}

/// <summary>A call seen on the caller's side; <see cref="SourceId"/> is the calling grain, if a grain calls.</summary>
public interface IOutgoingGrainCallContext : IGrainCallContext
{
    GrainId? SourceId { get; }
}

/// <summary>Runs around every call a grain receives. Registered in DI.</summary>
public interface IIncomingGrainCallFilter
{
    Task Invoke(IIncomingGrainCallContext context);
}

/// <summary>Runs around every call made through a grain reference. Registered in DI.</summary>
public interface IOutgoingGrainCallFilter
{
    Task Invoke(IOutgoingGrainCallContext context);
}
