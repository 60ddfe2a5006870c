using System.Collections.Frozen;
using System.Reflection;
using BorderGate.Actors.Invocation;
using BorderGate.Actors.Reminders;

namespace BorderGate.Actors.Runtime;

/// <summary>
/// What the runtime knows of grain interfaces and classes, read from the manifests the source generator
/// emits per assembly (<see cref="GrainManifestProviderAttribute"/>).
/// </summary>
internal sealed class GrainTypeRegistry
{
    private readonly FrozenDictionary<Type, Func<IGrainCallInvoker, GrainId, GrainReference>> _proxies;
    private readonly FrozenDictionary<Type, GrainClassInfo[]> _implementations;
    private readonly FrozenDictionary<string, GrainClassInfo> _classesByTypeName;
    private readonly FrozenDictionary<string, GrainMethodEntry> _methods;

    public GrainTypeRegistry(IEnumerable<Assembly> assemblies)
    {
        var manifest = new GrainManifest();

        // IRemindable lives in the abstractions, which have no generated code: its reference and its one method by hand.
        manifest.AddInterface(typeof(IRemindable), static (invoker, grainId) => new RemindableReference(invoker, grainId));
        manifest.AddMethod(ReceiveReminderRequest.Entry);
        foreach (var assembly in assemblies.Distinct())
        {
            foreach (var attribute in assembly.GetCustomAttributes<GrainManifestProviderAttribute>())
            {
                var provider = (IGrainManifestProvider)Activator.CreateInstance(attribute.ProviderType)!;
                provider.Populate(manifest);
            }
        }

        _proxies = manifest.Proxies.ToFrozenDictionary();
        _methods = manifest.Methods.ToFrozenDictionary(StringComparer.Ordinal);
        var byTypeName = new Dictionary<string, GrainClassInfo>(StringComparer.Ordinal);
        foreach (var grainClass in manifest.GrainClasses)
        {
            if (byTypeName.TryGetValue(grainClass.GrainTypeName, out var existing) && existing.GrainClass != grainClass.GrainClass)
            {
                throw new InvalidOperationException(
                    $"Grain classes {existing.GrainClass.FullName} and {grainClass.GrainClass.FullName} share the grain type name '{grainClass.GrainTypeName}'; give one a [GrainType] name.");
            }

            byTypeName[grainClass.GrainTypeName] = grainClass;
        }

        _classesByTypeName = byTypeName.ToFrozenDictionary(StringComparer.Ordinal);
        _implementations = byTypeName.Values
            .SelectMany(c => c.Interfaces.Select(i => (Interface: i, Class: c)))
            .GroupBy(p => p.Interface)
            .ToFrozenDictionary(g => g.Key, g => g.Select(p => p.Class).ToArray());
    }

    public IEnumerable<GrainClassInfo> GrainClasses => _classesByTypeName.Values;

    /// <summary>A grain method by its signature (calls from other silos name their method so).</summary>
    public bool TryGetMethod(string signature, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out GrainMethodEntry method) =>
        _methods.TryGetValue(signature, out method);

    /// <summary>All assemblies that carry a generated grain manifest among those loaded, plus the ones named.</summary>
    public static IEnumerable<Assembly> DiscoverAssemblies(IEnumerable<Assembly> explicitAssemblies) =>
        explicitAssemblies
            .Concat(AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic && a.IsDefined(typeof(GrainManifestProviderAttribute))))
            .Distinct();

    public Func<IGrainCallInvoker, GrainId, GrainReference> GetProxyFactory(Type grainInterface) =>
        _proxies.TryGetValue(grainInterface, out var factory)
            ? factory
            : throw new GrainImplementationNotFoundException(
                $"No grain reference was generated for {grainInterface.FullName}: the project that declares it must set <UsesGrainCodeGen>true</UsesGrainCodeGen>, and its assembly must be loaded or added with AddGrainAssembly.");

    public GrainClassInfo GetImplementation(Type grainInterface)
    {
        if (!_implementations.TryGetValue(grainInterface, out var classes) || classes.Length == 0)
        {
            throw new GrainImplementationNotFoundException(
                $"No grain class implements {grainInterface.FullName}. Add a class deriving from Grain that implements it, in an assembly with <UsesGrainCodeGen>true</UsesGrainCodeGen>.");
        }

        if (classes.Length > 1)
        {
            // A class that inherits its grain interfaces from another grain class does not take them over:
            // the base class stays the implementation (ReentrantProbeGrain : TurnProbeGrain, say).
            var root = classes.FirstOrDefault(c => classes.All(o => o == c || o.GrainClass.IsSubclassOf(c.GrainClass)));
            if (root is not null)
            {
                return root;
            }

            throw new GrainImplementationNotFoundException(
                $"More than one grain class implements {grainInterface.FullName} ({string.Join(", ", classes.Select(c => c.GrainClass.FullName))}); grain interfaces must have exactly one implementation.");
        }

        return classes[0];
    }

    public GrainClassInfo GetClass(string grainTypeName) =>
        _classesByTypeName.TryGetValue(grainTypeName, out var grainClass)
            ? grainClass
            : throw new GrainImplementationNotFoundException($"No grain class has the grain type name '{grainTypeName}'.");
}
