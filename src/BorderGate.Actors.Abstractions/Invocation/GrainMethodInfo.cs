namespace BorderGate.Actors.Invocation;

/// <summary>What the runtime knows of one grain interface method. Generated once per method.</summary>
public sealed class GrainMethodInfo
{
    public GrainMethodInfo(
        Type interfaceType,
        string methodName,
        string signature,
        GrainMethodOptions options = GrainMethodOptions.None,
        TimeSpan? responseTimeout = null)
    {
        InterfaceType = interfaceType;
        InterfaceName = interfaceType.Name;
        MethodName = methodName;
        Signature = signature;
        Options = options;
        ResponseTimeout = responseTimeout;
        ActivityName = $"{InterfaceName}/{methodName}";
    }

    public Type InterfaceType { get; }

    public string InterfaceName { get; }

    public string MethodName { get; }

    /// <summary>A stable identity, <c>Namespace.IInterface.Method(ArgType,...)</c>, for routing and versioning.</summary>
    public string Signature { get; }

    public GrainMethodOptions Options { get; }

    public TimeSpan? ResponseTimeout { get; }

    /// <summary>The trace span name, <c>IInterface/Method</c>.</summary>
    public string ActivityName { get; }

    public bool IsReadOnly => (Options & GrainMethodOptions.ReadOnly) != 0;

    public bool AlwaysInterleave => (Options & GrainMethodOptions.AlwaysInterleave) != 0;

    public bool IsOneWay => (Options & GrainMethodOptions.OneWay) != 0;

    public bool IsPriority => (Options & GrainMethodOptions.Priority) != 0;

    public override string ToString() => Signature;
}

/// <summary>Per-method flags taken from the interface's attributes.</summary>
[Flags]
public enum GrainMethodOptions
{
    None = 0,
    ReadOnly = 1,
    AlwaysInterleave = 2,
    OneWay = 4,
    Priority = 8,
}
