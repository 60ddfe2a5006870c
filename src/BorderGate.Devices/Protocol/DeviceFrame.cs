namespace BorderGate.Devices.Protocol;

/// <summary>
/// One protocol message, either way: <see cref="Type"/> says which fields it carries; the others stay null
/// and are not written.
/// </summary>
internal sealed class DeviceFrame
{
    public string? Type { get; set; }

    public string? Protocol { get; set; }

    public string? DeviceId { get; set; }

    public string? Kind { get; set; }

    public string? Firmware { get; set; }

    public string? Nonce { get; set; }

    public string? Mac { get; set; }

    public string? SessionId { get; set; }

    public int? HeartbeatSeconds { get; set; }

    public long? Seq { get; set; }

    public string? CommandId { get; set; }

    public string? Name { get; set; }

    public Dictionary<string, string>? Args { get; set; }

    public bool? Ok { get; set; }

    public string? Error { get; set; }

    public Dictionary<string, string>? Data { get; set; }

    public DateTimeOffset? At { get; set; }

    public string? Code { get; set; }

    public string? Message { get; set; }
}
