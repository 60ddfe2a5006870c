using System.Diagnostics.Metrics;

namespace BorderGate.Devices.Endpoint;

/// <summary>The device endpoint's instruments (meter <see cref="MeterName"/>), created through the host's meter factory.</summary>
public sealed class DeviceEndpointMetrics
{
    public const string MeterName = "BorderGate.Devices";
    public const string ProtocolErrorsInstrument = "bordergate.devices.protocol.errors";
    public const string SequenceAnomaliesInstrument = "bordergate.devices.protocol.sequence";
    public const string MessagesInstrument = "bordergate.devices.messages";
    public const string SessionsInstrument = "bordergate.devices.sessions";
    public const string HandshakesInstrument = "bordergate.devices.handshakes";
    public const string ReasonTag = "reason";
    public const string TypeTag = "type";
    public const string OutcomeTag = "outcome";
    public const string DeviceIdTag = "bordergate.device.id";

    private readonly Counter<long> _protocolErrors;
    private readonly Counter<long> _sequenceAnomalies;
    private readonly Counter<long> _messages;
    private readonly UpDownCounter<long> _sessions;
    private readonly Counter<long> _handshakes;

    public DeviceEndpointMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _protocolErrors = meter.CreateCounter<long>(ProtocolErrorsInstrument, "{message}", "Device messages refused, by reason (malformed, unknown type, too large, before auth, ...).");
        _sequenceAnomalies = meter.CreateCounter<long>(SequenceAnomaliesInstrument, "{message}", "Device messages whose seq repeated or went back (ignored) or skipped ahead (accepted).");
        _messages = meter.CreateCounter<long>(MessagesInstrument, "{message}", "Device messages accepted, by type.");
        _sessions = meter.CreateUpDownCounter<long>(SessionsInstrument, "{session}", "Authenticated device sessions open.");
        _handshakes = meter.CreateCounter<long>(HandshakesInstrument, "{handshake}", "Device handshakes, by outcome.");
    }

    internal void ProtocolError(string reason, string? deviceId) =>
        _protocolErrors.Add(1, new(ReasonTag, reason), new(DeviceIdTag, deviceId ?? "-"));

    internal void SequenceAnomaly(string reason, string deviceId) =>
        _sequenceAnomalies.Add(1, new(ReasonTag, reason), new(DeviceIdTag, deviceId));

    internal void Message(string type) => _messages.Add(1, new KeyValuePair<string, object?>(TypeTag, type));

    internal void SessionOpened() => _sessions.Add(1);

    internal void SessionClosed() => _sessions.Add(-1);

    internal void Handshake(string outcome) => _handshakes.Add(1, new KeyValuePair<string, object?>(OutcomeTag, outcome));
}
