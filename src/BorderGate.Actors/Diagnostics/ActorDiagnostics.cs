using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BorderGate.Actors.Diagnostics;

/// <summary>
/// The OpenTelemetry names of the grain runtime, in one place: subscribe to <see cref="ActivitySourceName"/>
/// and <see cref="MeterName"/> to export its traces and metrics.
/// </summary>
public static class ActorDiagnostics
{
    public const string ActivitySourceName = "BorderGate.Actors";
    public const string MeterName = "BorderGate.Actors";

    public const string CallsInstrument = "bordergate.actors.calls";
    public const string CallDurationInstrument = "bordergate.actors.call.duration";
    public const string CallQueuedInstrument = "bordergate.actors.call.queued";
    public const string CallFailuresInstrument = "bordergate.actors.call.failures";
    public const string CallTimeoutsInstrument = "bordergate.actors.call.timeouts";
    public const string ActivationsInstrument = "bordergate.actors.activations";
    public const string ActivationsCreatedInstrument = "bordergate.actors.activations.created";
    public const string MailboxDepthInstrument = "bordergate.actors.mailbox.depth";
    public const string StorageDurationInstrument = "bordergate.actors.storage.duration";
    public const string StorageWriteSizeInstrument = "bordergate.actors.storage.write.size";
    public const string StreamEventsInstrument = "bordergate.actors.stream.events";
    public const string StreamEventsForwardedInstrument = "bordergate.actors.stream.events.forwarded";
    public const string StreamNewsRejectedInstrument = "bordergate.actors.stream.news.rejected";
    public const string RemindersFiredInstrument = "bordergate.actors.reminders.fired";
    public const string RemindersScheduledInstrument = "bordergate.actors.reminders.scheduled";
    public const string TimerTicksInstrument = "bordergate.actors.timer.ticks";
    public const string TimerDurationInstrument = "bordergate.actors.timer.duration";

    public const string GrainIdTag = "bordergate.grain.id";
    public const string GrainTypeTag = "bordergate.grain.type";
    public const string GrainInterfaceTag = "bordergate.grain.interface";
    public const string GrainMethodTag = "bordergate.grain.method";
    public const string StorageOperationTag = "bordergate.storage.operation";
    public const string StorageProviderTag = "bordergate.storage.provider";
    public const string StateNameTag = "bordergate.state.name";
    public const string StreamTag = "bordergate.stream";
    public const string OutcomeTag = "outcome";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);
    internal static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> Calls = Meter.CreateCounter<long>(CallsInstrument, "{call}", "Grain calls delivered to activations.");
    internal static readonly Counter<long> CallFailures = Meter.CreateCounter<long>(CallFailuresInstrument, "{call}", "Grain calls that ended with an exception.");
    internal static readonly Counter<long> CallTimeouts = Meter.CreateCounter<long>(CallTimeoutsInstrument, "{call}", "Grain calls that missed their deadline.");
    internal static readonly Histogram<double> CallDuration = Meter.CreateHistogram<double>(
        CallDurationInstrument, "ms", "Time from a call's arrival at the activation to its completion.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 50, 100, 500, 1000, 5000, 30000] });
    internal static readonly Histogram<double> CallQueued = Meter.CreateHistogram<double>(
        CallQueuedInstrument, "ms", "Time a call waited in its activation's queue before it started (a busy grain's queue).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 50, 100, 500, 1000, 5000, 30000] });
    internal static readonly Counter<long> ActivationsCreated = Meter.CreateCounter<long>(ActivationsCreatedInstrument, "{activation}", "Activations created.");
    internal static readonly Histogram<double> StorageDuration = Meter.CreateHistogram<double>(
        StorageDurationInstrument, "ms", "Grain state storage operations.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 1000, 5000] });
    internal static readonly Histogram<long> StorageWriteSize = Meter.CreateHistogram<long>(
        StorageWriteSizeInstrument, "By", "Size of each grain state written, by state name (large states cost serialization and storage on every write).",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [256, 1024, 4096, 16384, 65536, 262144, 1048576] });
    internal static readonly Counter<long> StreamEvents = Meter.CreateCounter<long>(StreamEventsInstrument, "{event}", "Stream events published.");
    internal static readonly Counter<long> StreamEventsForwarded = Meter.CreateCounter<long>(
        StreamEventsForwardedInstrument, "{notice}", "News of stream events sent to other silos (one per event and peer).");
    internal static readonly Counter<long> StreamNewsRejected = Meter.CreateCounter<long>(
        StreamNewsRejectedInstrument, "{notice}", "Stream news from other silos that could not be read.");
    internal static readonly Counter<long> RemindersFired = Meter.CreateCounter<long>(RemindersFiredInstrument, "{tick}", "Reminder ticks delivered.");
    internal static readonly Counter<long> TimerTicks = Meter.CreateCounter<long>(TimerTicksInstrument, "{tick}", "Grain timer ticks run, by grain type (a runaway timer shows here).");
    internal static readonly Histogram<double> TimerDuration = Meter.CreateHistogram<double>(
        TimerDurationInstrument, "ms", "Real time a grain timer's tick ran (its turn held the activation all along unless it interleaves), by grain type.");

    // Silo-to-silo transport (Networking/).
    public const string TransportConnectionsRejectedInstrument = "bordergate.actors.transport.connections.rejected";
    public const string TransportConnectionsInstrument = "bordergate.actors.transport.connections";
    public const string TransportFramesSentInstrument = "bordergate.actors.transport.frames.sent";
    public const string TransportFramesReceivedInstrument = "bordergate.actors.transport.frames.received";
    public const string TransportRequestTimeoutsInstrument = "bordergate.actors.transport.request.timeouts";
    public const string TransportRequestsShedInstrument = "bordergate.actors.transport.requests.shed";
    public const string TransportReasonTag = "bordergate.transport.reason";
    public const string TransportDirectionTag = "bordergate.transport.direction";
    public const string TransportReceiveActivityName = "bordergate.transport.receive";

    internal static readonly Counter<long> TransportConnectionsRejected = Meter.CreateCounter<long>(
        TransportConnectionsRejectedInstrument, "{connection}", "Silo connections closed for a protocol violation or a liveness failure, by reason.");
    internal static readonly UpDownCounter<long> TransportConnections = Meter.CreateUpDownCounter<long>(
        TransportConnectionsInstrument, "{connection}", "Open silo-to-silo connections, by direction.");
    internal static readonly Counter<long> TransportFramesSent = Meter.CreateCounter<long>(TransportFramesSentInstrument, "{frame}", "Frames written to silo connections.");
    internal static readonly Counter<long> TransportFramesReceived = Meter.CreateCounter<long>(TransportFramesReceivedInstrument, "{frame}", "Frames read from silo connections.");
    internal static readonly Counter<long> TransportRequestTimeouts = Meter.CreateCounter<long>(TransportRequestTimeoutsInstrument, "{request}", "Remote requests that missed their deadline.");
    internal static readonly Counter<long> TransportRequestsShed = Meter.CreateCounter<long>(
        TransportRequestsShedInstrument, "{request}", "Requests turned away unrun because a silo was over its load limit, by reason (busy: this silo ran its most requests at once; fair_share: nearly so, and the caller ran its share of them; queue_full: too many waiting to be sent).");

    // Cluster membership (Membership/).
    public const string MembershipProbesFailedInstrument = "bordergate.actors.membership.probes.failed";
    public const string MembershipSilosDeclaredDeadInstrument = "bordergate.actors.membership.silos.declared_dead";
    public const string MembershipFencedInstrument = "bordergate.actors.membership.fenced";
    public const string SchedulingLagInstrument = "bordergate.actors.scheduling.lag";
    public const string MembershipProbeRoundsUnjudgedInstrument = "bordergate.actors.membership.probe_rounds.unjudged";
    public const string MembershipReasonTag = "bordergate.membership.reason";

    internal static readonly Counter<long> MembershipProbesFailed = Meter.CreateCounter<long>(
        MembershipProbesFailedInstrument, "{probe}", "Probes of another silo that went unanswered, direct or through another silo.");
    internal static readonly Counter<long> MembershipSilosDeclaredDead = Meter.CreateCounter<long>(
        MembershipSilosDeclaredDeadInstrument, "{silo}", "Silos this silo declared dead, by reason (votes, lease).");
    internal static readonly Histogram<double> SchedulingLag = Meter.CreateHistogram<double>(
        SchedulingLagInstrument, "ms", "How much later than due a silo's own periodic work ran (ten samples a second): its thread pool's backlog, collections, cores taken away.");
    internal static readonly Counter<long> MembershipProbeRoundsUnjudged = Meter.CreateCounter<long>(
        MembershipProbeRoundsUnjudgedInstrument, "{round}", "Probe rounds whose misses were not held against the probed silos because this silo itself ran too late to judge them.");
    internal static readonly Counter<long> MembershipFenced = Meter.CreateCounter<long>(
        MembershipFencedInstrument, "{silo}", "Times this silo stopped serving because it was declared dead or lost its lease, by reason.");
}
