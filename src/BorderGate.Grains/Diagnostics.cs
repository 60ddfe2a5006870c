using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BorderGate.Grains;

/// <summary>
/// The OpenTelemetry names of the crossing's domain, in one place: subscribe to <see cref="ActivitySourceName"/>
/// and <see cref="MeterName"/> to export its traces and metrics.
/// </summary>
public static class Diagnostics
{
    public const string ActivitySourceName = "BorderGate.Crossing";
    public const string MeterName = "BorderGate.Crossing";

    public const string DeviceCommandsInstrument = "bordergate.device.commands";
    public const string DeviceAckLatencyInstrument = "bordergate.device.ack.latency";
    public const string DeviceRetriesInstrument = "bordergate.device.command.retries";
    public const string DeviceStaleInstrument = "bordergate.device.stale";
    public const string DeviceFaultsInstrument = "bordergate.device.faults";
    public const string DeviceEventsInstrument = "bordergate.device.events";

    public const string DeviceCommandActivity = "device.command";

    public const string DeviceIdTag = "bordergate.device.id";
    public const string DeviceKindTag = "bordergate.device.kind";
    public const string CommandNameTag = "bordergate.device.command";
    public const string CommandIdTag = "bordergate.device.command_id";
    public const string AttemptsTag = "bordergate.device.attempts";
    public const string FaultCodeTag = "bordergate.device.fault";
    public const string OutcomeTag = "outcome";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);
    internal static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> DeviceCommands = Meter.CreateCounter<long>(
        DeviceCommandsInstrument, "{command}", "Device commands executed, by outcome (a repeated command id is counted once).");

    internal static readonly Histogram<double> DeviceAckLatency = Meter.CreateHistogram<double>(
        DeviceAckLatencyInstrument, "ms", "Time from sending a command attempt to the device's acknowledgement.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000, 10000] });

    internal static readonly Counter<long> DeviceRetries = Meter.CreateCounter<long>(
        DeviceRetriesInstrument, "{attempt}", "Device command attempts sent again after an acknowledgement timeout.");

    internal static readonly Counter<long> DeviceStale = Meter.CreateCounter<long>(
        DeviceStaleInstrument, "{device}", "Devices that turned stale (silent past the site's DeviceStaleAfter).");

    internal static readonly Counter<long> DeviceFaults = Meter.CreateCounter<long>(
        DeviceFaultsInstrument, "{fault}", "Faults reported by devices.");

    internal static readonly Counter<long> DeviceEvents = Meter.CreateCounter<long>(
        DeviceEventsInstrument, "{event}", "Device telemetry and fault events forwarded to their owners.");
}
