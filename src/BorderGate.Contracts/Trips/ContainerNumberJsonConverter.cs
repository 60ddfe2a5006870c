using System.Text.Json;
using System.Text.Json.Serialization;

namespace BorderGate.Contracts.Trips;

/// <summary>A container number in JSON is its normalized text, checked again on the way in.</summary>
internal sealed class ContainerNumberJsonConverter : JsonConverter<ContainerNumber>
{
    public override ContainerNumber Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        return ContainerNumber.TryParse(text, out var container) ? container : throw new JsonException($"'{text}' is not a valid container number.");
    }

    public override void Write(Utf8JsonWriter writer, ContainerNumber value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Normalized);
}
