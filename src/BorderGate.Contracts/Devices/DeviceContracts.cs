using BorderGate.Actors;

namespace BorderGate.Contracts.Devices;

public enum DeviceKind
{
    Barrier,
    PlateCamera,
    Weighbridge,
    CraneController,
    VehicleController,
}

/// <summary>What owns a device: the grain its events go to.</summary>
public enum DeviceOwnerKind
{
    /// <summary>The crossing's gate (the entrance camera).</summary>
    Gate,
    Lane,
    Crane,
    DriverlessTruck,
}

/// <summary>A device's identity and owner, from the site layout.</summary>
public sealed record DeviceInfo(string DeviceId, DeviceKind Kind, DeviceOwnerKind OwnerKind, string OwnerKey);

/// <summary>
/// A command to a device. <see cref="CommandId"/> makes it idempotent: sending the same id again returns
/// the first outcome and does not act twice.
/// </summary>
public sealed record DeviceCommand(string CommandId, string Name, IReadOnlyDictionary<string, string> Args);

public enum CommandOutcome
{
    /// <summary>The device acknowledged and did it.</summary>
    Acknowledged,

    /// <summary>The device refused or failed it (see the error).</summary>
    Rejected,

    /// <summary>No acknowledgement within the deadline after the retries.</summary>
    TimedOut,

    /// <summary>The device is not connected, stale or faulted.</summary>
    Unavailable,
}

public sealed record CommandResult(string CommandId, CommandOutcome Outcome, string? Error, int Attempts, DateTimeOffset At);

/// <summary>
/// Something a device reported, forwarded to its owner: telemetry ("plate-read" {plate}, "weight"
/// {kg, stable}, "barrier" {state}, "move-done", "position" {segment, waypoint}, ...) or a fault
/// (<see cref="IsFault"/>, name = fault code, data["message"]).
/// </summary>
/// <param name="At">When the device says it happened (its own clock).</param>
/// <param name="ReceivedAt">When the silo received it (set by the device grain): how late a report is is judged against this,
/// not against when a busy owner gets to the event.</param>
public sealed record DeviceEvent(string DeviceId, DeviceKind Kind, string Name, IReadOnlyDictionary<string, string> Data, DateTimeOffset At, bool IsFault = false, DateTimeOffset? ReceivedAt = null);

public enum DeviceHealth
{
    Unknown,
    Online,
    Stale,
    Faulted,
    Offline,
}

public sealed record DeviceStatus(string DeviceId, DeviceKind Kind, DeviceHealth Health, DateTimeOffset? LastSeen, string? Fault, IReadOnlyDictionary<string, string> LastTelemetry);

/// <summary>
/// A device grain (key: <see cref="Site.CrossingIds.Device"/>): the only grain that talks to hardware.
/// Commands go out with acknowledgement, timeout and bounded retry; telemetry and faults come in and go
/// to the owner; a silent device turns stale.
/// </summary>
public interface IDeviceGrain : IGrainWithStringKey
{
    Task<CommandResult> Execute(DeviceCommand command);

    /// <summary>The device's health, last-seen time, fault and latest telemetry; answers even while a command is in flight.</summary>
    [AlwaysInterleave]
    Task<DeviceStatus> Status();

    /// <summary>Called by the device endpoint for each telemetry message.</summary>
    [AlwaysInterleave]
    Task OnTelemetry(string name, IReadOnlyDictionary<string, string> data, DateTimeOffset at);

    [AlwaysInterleave]
    Task OnFault(string code, string message, DateTimeOffset at);

    /// <summary>A fault with details (where a crane's container hangs, where a vehicle stopped), forwarded to the owner in <see cref="DeviceEvent.Data"/>.</summary>
    [AlwaysInterleave]
    Task OnFaultWithData(string code, string message, IReadOnlyDictionary<string, string> data, DateTimeOffset at);

    [AlwaysInterleave]
    Task OnHeartbeat(DateTimeOffset at);

    [AlwaysInterleave]
    Task OnConnectionChanged(bool connected, DateTimeOffset at);

    /// <summary>An operator cleared the fault (after acknowledging the alarm).</summary>
    Task ClearFault();
}

/// <summary>A grain that owns devices and receives their events.</summary>
public interface IDeviceEventSink : IGrainWithStringKey
{
    [OneWay]
    Task OnDeviceEvent(DeviceEvent deviceEvent);
}

/// <summary>
/// The way out to hardware, implemented by the host's device endpoint (domain code knows no sockets):
/// sends one command attempt and completes with the device's acknowledgement.
/// </summary>
public interface IDeviceLink
{
    /// <summary>Sends <paramref name="command"/> to the connected device; completes on its ack.</summary>
    /// <exception cref="DeviceUnavailableException">The device is not connected.</exception>
    /// <exception cref="OperationCanceledException">No ack before <paramref name="cancellationToken"/> fired.</exception>
    Task<DeviceAck> SendAsync(string deviceId, DeviceCommand command, CancellationToken cancellationToken);

    bool IsConnected(string deviceId);
}

public sealed record DeviceAck(string CommandId, bool Ok, string? Error);

public sealed class DeviceUnavailableException : Exception
{
    public DeviceUnavailableException(string message) : base(message) { }

    public DeviceUnavailableException() { }

    public DeviceUnavailableException(string message, Exception inner) : base(message, inner) { }
}
