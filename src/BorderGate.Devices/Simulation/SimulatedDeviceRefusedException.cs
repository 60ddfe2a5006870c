namespace BorderGate.Devices.Simulation;

/// <summary>The endpoint refused a simulated device's hello or auth.</summary>
public sealed class SimulatedDeviceRefusedException : Exception
{
    public SimulatedDeviceRefusedException(string code, string message) : base(message) => Code = code;

    public SimulatedDeviceRefusedException() : this("unknown", "refused") { }

    public SimulatedDeviceRefusedException(string message) : this("unknown", message) { }

    public SimulatedDeviceRefusedException(string message, Exception inner) : base(message, inner) => Code = "unknown";

    /// <summary>The error code the endpoint answered with.</summary>
    public string Code { get; }
}
