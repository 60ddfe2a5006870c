using System.Collections.Concurrent;

namespace BorderGate.Actors.Tests.Grains;

public interface IFailingActivationGrain : IGrainWithStringKey
{
    Task Ping();
}

/// <summary>Its activation waits for the test (<see cref="Release"/>), then fails.</summary>
public sealed class FailingActivationGrain : Grain, IFailingActivationGrain
{
    public static readonly ConcurrentDictionary<string, TaskCompletionSource> Release = new(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Release.TryGetValue(GrainKey, out var release))
        {
            await release.Task;
        }

        throw new InvalidOperationException($"activation of {GrainKey} fails on purpose");
    }

    public Task Ping() => Task.CompletedTask;
}
