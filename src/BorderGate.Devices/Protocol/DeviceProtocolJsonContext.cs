using System.Text.Json.Serialization;

namespace BorderGate.Devices.Protocol;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    MaxDepth = 8)]
[JsonSerializable(typeof(DeviceFrame))]
internal sealed partial class DeviceProtocolJsonContext : JsonSerializerContext;
