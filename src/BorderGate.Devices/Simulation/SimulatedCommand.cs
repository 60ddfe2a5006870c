namespace BorderGate.Devices.Simulation;

/// <summary>A command a simulated device received.</summary>
public sealed record SimulatedCommand(string CommandId, string Name, IReadOnlyDictionary<string, string> Args);

/// <summary>What a simulated device acknowledges: done, or refused with an error.</summary>
public readonly record struct CommandReply(bool Ok, string? Error = null)
{
    public static CommandReply Done => new(true);

    public static CommandReply Refused(string error) => new(false, error);
}
