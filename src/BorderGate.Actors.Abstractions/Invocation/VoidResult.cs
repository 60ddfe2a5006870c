namespace BorderGate.Actors.Invocation;

/// <summary>The result type of grain methods that return <c>Task</c> or <c>ValueTask</c>.</summary>
public readonly struct VoidResult;
