using System.Collections.Concurrent;
using System.Globalization;
using BorderGate.Actors;
using BorderGate.Actors.Hosting;

namespace BorderGate.ClusterTestHost;

/// <summary>A grain that says where it runs and counts its visits in persistent state (PostgreSQL).</summary>
public interface IVisitGrain : IGrainWithStringKey
{
    Task<VisitAnswer> Visit(string from);

    Task<int> Visits();

    Task Fail(string message);

    [OneWay]
    Task Note(string text);

    Task<IReadOnlyList<string>> Notes();

    /// <summary>Visits another grain from this one (a grain-to-grain call that may cross silos).</summary>
    Task<VisitAnswer> VisitOther(string otherKey);
}

public sealed record VisitAnswer(string Silo, int Visits, string Key);

public sealed class VisitState
{
    public int Visits { get; set; }

    public List<string> Notes { get; set; } = [];
}

public sealed class VisitGrain([PersistentState("visits")] IPersistentState<VisitState> state, ActorRuntime runtime, ActivationLog log) : Grain, IVisitGrain
{
    private string Silo => runtime.Cluster!.Name;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        log.Activated(GrainKey, Silo);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        log.Deactivated(GrainKey, Silo);
        return Task.CompletedTask;
    }

    public async Task<VisitAnswer> Visit(string from)
    {
        state.State.Visits++;
        await state.WriteStateAsync();
        return new VisitAnswer(Silo, state.State.Visits, GrainKey);
    }

    public Task<int> Visits() => Task.FromResult(state.State.Visits);

    public Task Fail(string message) => throw new InvalidOperationException(message);

    public async Task Note(string text)
    {
        state.State.Notes.Add(text);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> Notes() => Task.FromResult<IReadOnlyList<string>>(state.State.Notes);

    public Task<VisitAnswer> VisitOther(string otherKey) => GrainFactory.GetGrain<IVisitGrain>(otherKey).Visit(GrainKey);
}

/// <summary>
/// Every activation and deactivation on every silo of a test, to check that no grain was active twice at once: kept in
/// memory (silos in one process) and, given a path, appended to a file line by line as it happens (silo processes; a
/// killed process's file ends where it died).
/// </summary>
public sealed class ActivationLog(string? path = null)
{
    private readonly ConcurrentDictionary<string, List<string>> _live = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentQueue<(string Key, string Silo, DateTime At)> _ticks = new();
    private readonly Lock _fileLock = new();
    private int _activations;

    public int Activations => Volatile.Read(ref _activations);

    public IReadOnlyCollection<string> Violations => _violations;

    /// <summary>Reminder ticks received: by which grain, on which silo, when (UTC).</summary>
    public IReadOnlyCollection<(string Key, string Silo, DateTime At)> Ticks => _ticks;

    public void Ticked(string key, string silo)
    {
        _ticks.Enqueue((key, silo, DateTime.UtcNow));
        Append("tick", key, silo);
    }

    public void Activated(string key, string silo)
    {
        Interlocked.Increment(ref _activations);
        Append("activate", key, silo);
        var live = _live.GetOrAdd(key, _ => []);
        lock (live)
        {
            if (live.Count > 0)
            {
                _violations.Enqueue($"{key} activated on {silo} while active on {string.Join(", ", live)}");
            }

            live.Add(silo);
        }
    }

    public void Deactivated(string key, string silo)
    {
        Append("deactivate", key, silo);
        var live = _live.GetOrAdd(key, _ => []);
        lock (live)
        {
            live.Remove(silo);
        }
    }

    /// <summary>A silo killed: its activations end without their hooks.</summary>
    public void SiloGone(string silo)
    {
        foreach (var live in _live.Values)
        {
            lock (live)
            {
                live.RemoveAll(s => s == silo);
            }
        }
    }

    /// <summary>One line per event: ticks (UTC), what, grain key, silo.</summary>
    private void Append(string what, string key, string silo)
    {
        if (path is null)
        {
            return;
        }

        var line = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow.Ticks} {what} {key} {silo}\n");
        lock (_fileLock)
        {
            File.AppendAllText(path, line);
        }
    }
}
