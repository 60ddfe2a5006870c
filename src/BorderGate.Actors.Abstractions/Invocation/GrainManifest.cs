namespace BorderGate.Actors.Invocation;

/// <summary>
/// The grain interfaces (with their proxy factories) and grain classes of one assembly. The source
/// generator emits a provider per assembly and names it in <see cref="GrainManifestProviderAttribute"/>.
/// </summary>
public sealed class GrainManifest
{
    private readonly Dictionary<Type, Func<IGrainCallInvoker, GrainId, GrainReference>> _proxies = [];
    private readonly List<GrainClassInfo> _grainClasses = [];
    private readonly Dictionary<string, GrainMethodEntry> _methods = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<Type, Func<IGrainCallInvoker, GrainId, GrainReference>> Proxies => _proxies;

    public IReadOnlyList<GrainClassInfo> GrainClasses => _grainClasses;

    /// <summary>Every grain method, by <see cref="GrainMethodInfo.Signature"/>.</summary>
    public IReadOnlyDictionary<string, GrainMethodEntry> Methods => _methods;

    public void AddMethod(GrainMethodEntry method)
    {
        ArgumentNullException.ThrowIfNull(method);
        _methods[method.Method.Signature] = method;
    }

    public void AddInterface(Type grainInterface, Func<IGrainCallInvoker, GrainId, GrainReference> proxyFactory) =>
        _proxies[grainInterface] = proxyFactory;

    public void AddGrainClass(GrainClassInfo grainClass) => _grainClasses.Add(grainClass);
}

/// <summary>
/// A grain method as a silo takes it from another: its parameter and result types (to decode the arguments and encode the
/// answer) and how to call it, from decoded arguments, through a reference to the grain that calls the local activation.
/// </summary>
public sealed class GrainMethodEntry(GrainMethodInfo method, Type[] parameterTypes, Type resultType, Func<GrainReference, object?[], ValueTask<object?>> invoke)
{
    public GrainMethodInfo Method { get; } = method;

    public IReadOnlyList<Type> ParameterTypes { get; } = parameterTypes;

    /// <summary>The awaited result's type; <see cref="VoidResult"/> for a method without one.</summary>
    public Type ResultType { get; } = resultType;

    /// <summary>Calls the method on <c>target</c> (a reference of the method's interface) with the arguments.</summary>
    public Func<GrainReference, object?[], ValueTask<object?>> Invoke { get; } = invoke;
}

/// <summary>A grain class: its type name, the grain interfaces it implements, and how to construct it.</summary>
public sealed class GrainClassInfo(
    Type grainClass,
    string grainTypeName,
    IReadOnlyList<Type> interfaces,
    Func<IServiceProvider, IGrainActivationContext, object> factory,
    bool isReentrant)
{
    public Type GrainClass { get; } = grainClass;

    public string GrainTypeName { get; } = grainTypeName;

    public IReadOnlyList<Type> Interfaces { get; } = interfaces;

    /// <summary>Creates an instance; called by the runtime inside <see cref="GrainContextScope"/>.</summary>
    public Func<IServiceProvider, IGrainActivationContext, object> Factory { get; } = factory;

    public bool IsReentrant { get; } = isReentrant;
}

/// <summary>Fills a <see cref="GrainManifest"/>; implemented by generated code.</summary>
public interface IGrainManifestProvider
{
    void Populate(GrainManifest manifest);
}

/// <summary>Names the generated manifest provider of an assembly.</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class GrainManifestProviderAttribute(Type providerType) : Attribute
{
    public Type ProviderType { get; } = providerType;
}
