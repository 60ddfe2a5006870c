using BorderGate.Simulation.Cli;

namespace BorderGate.Simulation;

/// <summary>The CLI's entry point (a named class: the silo references this assembly and has its own top-level Program).</summary>
internal static class SimulationProgram
{
    public static Task<int> Main(string[] args) => SimulationCommand.Build().Parse(args).InvokeAsync();
}
