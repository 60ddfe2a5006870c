using BorderGate.Simulation.Cli;

return await SimulationCommand.Build().Parse(args).InvokeAsync();
