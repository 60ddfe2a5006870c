using System.Collections.Concurrent;
using BorderGate.Actors.Hosting;

namespace BorderGate.Actors.Runtime;

/// <summary>The activations of this silo, by grain id, and the idle collector that retires unused ones.</summary>
internal sealed class Catalog : IDisposable
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();
    private readonly ActorRuntime _runtime;
    private ITimer? _collector;
    private long _collectionTick;

    public Catalog(ActorRuntime runtime) => _runtime = runtime;

    /// <summary>A coarse clock, advanced once per collection interval: activations stamp it on use, which costs a field read.</summary>
    public long CollectionTick => Volatile.Read(ref _collectionTick);

    public int Count => _activations.Count;

    public IEnumerable<ActivationData> Activations => _activations.Values;

    public void Start()
    {
        var interval = _runtime.Options.CollectionInterval;
        _collector ??= _runtime.TimeProvider.CreateTimer(static s => ((Catalog)s!).CollectIdle(), this, interval, interval);
    }

    public ActivationData GetOrCreate(GrainId grainId)
    {
        if (_activations.TryGetValue(grainId, out var existing))
        {
            return existing;
        }

        var grainClass = _runtime.Registry.GetClass(grainId.Type);
        var created = new ActivationData(_runtime, grainId, grainClass);
        var activation = _activations.GetOrAdd(grainId, created);
        if (ReferenceEquals(activation, created))
        {
            created.StartActivation();
        }

        return activation;
    }

    public bool TryGet(GrainId grainId, out ActivationData? activation) => _activations.TryGetValue(grainId, out activation);

    public void Remove(ActivationData activation) =>
        _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation));

    public int MailboxDepth()
    {
        var depth = 0;
        foreach (var activation in _activations.Values)
        {
            depth += activation.MailboxDepth;
        }

        return depth;
    }

    /// <summary>Advances the coarse clock and deactivates activations idle for at least the idle timeout.</summary>
    public void CollectIdle()
    {
        var tick = Interlocked.Increment(ref _collectionTick);
        var options = _runtime.Options;
        var idleTicks = Math.Max(1, (long)Math.Ceiling(options.IdleTimeout / options.CollectionInterval));
        var now = _runtime.TimeProvider.GetUtcNow();
        foreach (var activation in _activations.Values)
        {
            activation.CollectIfIdle(tick, idleTicks, now);
        }
    }

    public async Task DeactivateAllAsync(CancellationToken cancellationToken)
    {
        _collector?.Dispose();
        _collector = null;
        while (!_activations.IsEmpty)
        {
            var activations = _activations.Values.ToArray();
            var all = activations.Select(a => a.DeactivateAsync(DeactivationReason.RuntimeShutdown)).ToArray();
            try
            {
                await Task.WhenAll(all).WaitAsync(cancellationToken);

                // A deactivation that completed without taking its activation away would make this loop spin:
                // whatever is still here after its deactivation ended is cut off.
                foreach (var stuck in activations.Where(a => _activations.TryGetValue(a.GrainId, out var current) && ReferenceEquals(current, a)))
                {
                    stuck.Abort();
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A deactivation abandoned because its activation failed: it is gone either way.
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // An activation that failed while the runtime stopped (its failure went to its callers): it is gone either
                // way, and the others are deactivated all the same.
            }
            catch (OperationCanceledException)
            {
                // The host will wait no longer (its shutdown timeout): whatever is still busy is cut off.
                foreach (var activation in _activations.Values)
                {
                    activation.Abort();
                }

                return;
            }
        }
    }

    public void Dispose() => _collector?.Dispose();
}
