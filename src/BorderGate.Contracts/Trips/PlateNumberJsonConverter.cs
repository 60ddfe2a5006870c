using System.Text.Json;
using System.Text.Json.Serialization;

namespace BorderGate.Contracts.Trips;

/// <summary>A plate in JSON (grain state, streams, HTTP) is its normalized text, parsed again on the way in.</summary>
internal sealed class PlateNumberJsonConverter : JsonConverter<PlateNumber>
{
    public override PlateNumber Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        return PlateNumber.TryParse(text, out var plate) ? plate : throw new JsonException($"'{text}' is not a vehicle plate.");
    }

    public override void Write(Utf8JsonWriter writer, PlateNumber value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Normalized);
}
