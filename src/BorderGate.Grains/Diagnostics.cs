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

    public const string TripTransitionsInstrument = "bordergate.trip.transitions";
    public const string TripWaitInstrument = "bordergate.trip.wait";
    public const string TripTurnInstrument = "bordergate.trip.turn";
    public const string DispatchesInstrument = "bordergate.gate.dispatches";
    public const string LaneFaultsInstrument = "bordergate.lane.faults";
    public const string CraneMovesInstrument = "bordergate.crane.moves";
    public const string ContainersCrossedInstrument = "bordergate.containers.crossed";
    public const string FeedPublishFailuresInstrument = "bordergate.feed.publish_failures";

    public const string AdmissionDurationInstrument = "bordergate.gate.admission.duration";

    public const string AdmissionSizeInstrument = "bordergate.gate.admission.size";

    public const string DeviceCommandActivity = "device.command";

    public const string DeviceIdTag = "bordergate.device.id";
    public const string DeviceKindTag = "bordergate.device.kind";
    public const string CommandNameTag = "bordergate.device.command";
    public const string CommandIdTag = "bordergate.device.command_id";
    public const string AttemptsTag = "bordergate.device.attempts";
    public const string FaultCodeTag = "bordergate.device.fault";
    public const string OutcomeTag = "outcome";
    public const string TripStatusTag = "bordergate.trip.status";
    public const string TripEventTag = "bordergate.trip.event";
    public const string CrossingTag = "bordergate.crossing";
    public const string LaneTag = "bordergate.lane";

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

    internal static readonly Counter<long> TripTransitions = Meter.CreateCounter<long>(
        TripTransitionsInstrument, "{transition}", "Trip transitions, by the status reached.");

    internal static readonly Histogram<double> TripWait = Meter.CreateHistogram<double>(
        TripWaitInstrument, "s", "Waiting time of completed trips: arrival at the entrance to the first call to a lane.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [60, 300, 600, 1200, 1800, 3600, 7200, 14400] });

    internal static readonly Histogram<double> TripTurn = Meter.CreateHistogram<double>(
        TripTurnInstrument, "s", "Turn time of completed trips: arrival at the entrance to completion.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [600, 1200, 1800, 3600, 7200, 14400, 28800, 86400] });

    internal static readonly Counter<long> Dispatches = Meter.CreateCounter<long>(
        DispatchesInstrument, "{truck}", "Trucks called forward to a lane.");

    internal static readonly Counter<long> LaneFaults = Meter.CreateCounter<long>(
        LaneFaultsInstrument, "{fault}", "Lanes taken out of dispatch by a device fault.");

    internal static readonly Counter<long> CraneMoves = Meter.CreateCounter<long>(
        CraneMovesInstrument, "{move}", "Container moves completed by cranes.");

    internal static readonly Counter<long> ContainersCrossed = Meter.CreateCounter<long>(
        ContainersCrossedInstrument, "{container}", "Containers handed over to the partner side by driverless trucks.");

    internal static readonly Counter<long> FeedPublishFailures = Meter.CreateCounter<long>(
        FeedPublishFailuresInstrument, "{event}", "Steps stored but not published on the crossing feed (storage outage).");

    internal static readonly Histogram<double> AdmissionDuration = Meter.CreateHistogram<double>(
        AdmissionDurationInstrument, "ms", "Real time one batch of entrance sightings took to admit (the gate is busy for all of it).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000] });

    internal static readonly Histogram<long> AdmissionSize = Meter.CreateHistogram<long>(
        AdmissionSizeInstrument, "{sighting}", "Sightings admitted together in one batch.",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128] });
}
