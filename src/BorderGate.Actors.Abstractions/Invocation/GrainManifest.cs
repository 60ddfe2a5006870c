namespace BorderGate.Actors.Invocation;

/// <summary>
/// The grain interfaces (with their proxy factories) and grain classes of one assembly. The source
/// generator emits a provider per assembly and names it in <see cref="GrainManifestProviderAttribute"/>.
/// </summary>
public sealed class GrainManifest
{
    private readonly Dictionary<Type, Func<IGrainCallInvoker, GrainId, GrainReference>> _proxies = [];
    private readonly List<GrainClassInfo> _grainClasses = [];

    public IReadOnlyDictionary<Type, Func<IGrainCallInvoker, GrainId, GrainReference>> Proxies => _proxies;

    public IReadOnlyList<GrainClassInfo> GrainClasses => _grainClasses;

    public void AddInterface(Type grainInterface, Func<IGrainCallInvoker, GrainId, GrainReference> proxyFactory) =>
        _proxies[grainInterface] = proxyFactory;

    public void AddGrainClass(GrainClassInfo grainClass) => _grainClasses.Add(grainClass);
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
