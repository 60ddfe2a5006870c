using System.Text.Json;
using BorderGate.Contracts.Trips;

namespace BorderGate.Grains.Tests.Declarations;

/// <summary>Declarations travel as JSON (HTTP, grain state, streams): the runtime uses the web defaults.</summary>
public sealed class DeclarationJsonTests
{
    private static readonly JsonSerializerOptions s_web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Plate_and_container_are_written_as_their_normalized_text()
    {
        var value = new { Plate = PlateNumber.Parse("29C-123.45"), Chinese = PlateNumber.Parse("桂A 12345"), Container = Container("csqu 305438 3") };

        var json = JsonSerializer.Serialize(value, s_web);

        Assert.Equal("{\"plate\":\"29C12345\",\"chinese\":\"\\u6842A12345\",\"container\":\"CSQU3054383\"}", json);
    }

    [Fact]
    public void Plate_and_container_read_back_equal()
    {
        Assert.Equal(PlateNumber.Parse("桂AD12345"), JsonSerializer.Deserialize<PlateNumber>("\"桂AD12345\"", s_web));
        Assert.Equal(Container("MSKU9070323"), JsonSerializer.Deserialize<ContainerNumber>("\"MSKU9070323\"", s_web));
    }

    [Fact]
    public void Invalid_text_does_not_read_as_a_plate_or_container()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<PlateNumber>("\"nope\"", s_web));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ContainerNumber>("\"MSKU9070324\"", s_web));
    }

    [Fact]
    public void Declaration_with_missing_fields_deserializes_and_then_fails_validation()
    {
        // A client that leaves fields out gets field errors, not a 400 from the serializer.
        var declaration = JsonSerializer.Deserialize<TripDeclaration>("{\"truckPlate\":\"29C-123.45\",\"cargoKind\":10}", s_web)!;

        var result = DeclarationValidator.Validate(declaration, DateTimeOffset.UnixEpoch);

        Assert.Equal(CargoKind.Empty, declaration.CargoKind);
        Assert.Contains(result.Errors, e => e.Field == DeclarationFields.CompanyId && e.Code == DeclarationErrorCodes.Required);
        Assert.DoesNotContain(result.Errors, e => e.Field == DeclarationFields.TruckPlate);
    }

    [Fact]
    public void Validation_result_round_trips()
    {
        var result = new ValidationResult([new FieldError(DeclarationFields.GrossWeightKg, DeclarationErrorCodes.WeightRange, "too heavy")], null);

        var again = JsonSerializer.Deserialize<ValidationResult>(JsonSerializer.Serialize(result, s_web), s_web)!;

        Assert.Equal(result.Errors, again.Errors);
        Assert.False(again.IsValid);
    }

    private static ContainerNumber Container(string text) =>
        ContainerNumber.TryParse(text, out var container) ? container : throw new ArgumentException(text);
}
