using System.Collections.Concurrent;

namespace BorderGate.Actors.Tests.Grains;

/// <summary>A singleton the test grains report to, so that tests see what happened across activations.</summary>
public sealed class Probe
{
    public ConcurrentQueue<string> Events { get; } = new();

    public void Record(string text) => Events.Enqueue(text);

    public int Count(string text) => Events.Count(e => e == text);
}
