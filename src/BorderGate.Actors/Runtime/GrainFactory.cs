using System.Collections.Concurrent;
using BorderGate.Actors.Invocation;

namespace BorderGate.Actors.Runtime;

/// <summary>Hands out typed references; nothing is activated until the first call.</summary>
internal sealed class GrainFactory : IGrainFactory
{
    private readonly ConcurrentDictionary<Type, Binding> _bindings = new();
    private readonly GrainTypeRegistry _registry;
    private readonly Func<IGrainCallInvoker> _invoker;

    public GrainFactory(GrainTypeRegistry registry, Func<IGrainCallInvoker> invoker)
    {
        _registry = registry;
        _invoker = invoker;
    }

    public TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException($"A grain key must not be null or empty ({typeof(TGrainInterface).Name}).", nameof(key));
        }

        var binding = _bindings.GetOrAdd(typeof(TGrainInterface), static (type, registry) =>
            new Binding(registry.GetProxyFactory(type), registry.GetImplementation(type).GrainTypeName), _registry);
        return (TGrainInterface)(object)binding.CreateProxy(_invoker(), new GrainId(binding.GrainTypeName, key));
    }

    /// <summary>A reference to a grain known by id (reminders, streams): typed by one of its class's interfaces.</summary>
    public GrainReference GetReference(GrainId grainId, Type grainInterface) =>
        _registry.GetProxyFactory(grainInterface)(_invoker(), grainId);

    private sealed record Binding(Func<IGrainCallInvoker, GrainId, GrainReference> CreateProxy, string GrainTypeName);
}
