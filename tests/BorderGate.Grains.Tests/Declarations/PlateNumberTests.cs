using BorderGate.Contracts.Trips;

namespace BorderGate.Grains.Tests.Declarations;

public sealed class PlateNumberTests
{
    [Theory]
    [InlineData("29C-123.45", "29C12345")]
    [InlineData("29C12345", "29C12345")]
    [InlineData("29 C 123.45", "29C12345")]
    [InlineData("29c-123.45", "29C12345")]
    [InlineData("  29C-123.45  ", "29C12345")]
    [InlineData("51LD-12345", "51LD12345")]
    [InlineData("51LD-123.45", "51LD12345")]
    [InlineData("12C-1234", "12C1234")]
    [InlineData("29C1-2345", "29C12345")]
    [InlineData("29C1-123.45", "29C112345")]
    [InlineData("99H - 999.99", "99H99999")]
    [InlineData("11A-00001", "11A00001")]
    [InlineData("29R-012.34", "29R01234")]
    public void Vietnamese_plate_parses_and_normalizes(string text, string normalized)
    {
        Assert.True(PlateNumber.TryParse(text, out var plate));
        Assert.Equal(PlateCountry.Vietnam, plate.Country);
        Assert.Equal(normalized, plate.Normalized);
        Assert.Equal(normalized, plate.ToString());
    }

    [Theory]
    [InlineData("桂A12345", "桂A12345")]
    [InlineData("桂AD12345", "桂AD12345")]
    [InlineData("桂A12345F", "桂A12345F")]
    [InlineData("桂A·12345", "桂A12345")]
    [InlineData("桂 A 12345", "桂A12345")]
    [InlineData("桂a-1b2c3", "桂A1B2C3")]
    [InlineData("粤B88888", "粤B88888")]
    [InlineData("京A1234挂", "京A1234挂")]
    [InlineData("琼Z9X9X9", "琼Z9X9X9")]
    public void Chinese_plate_parses_and_normalizes(string text, string normalized)
    {
        Assert.True(PlateNumber.TryParse(text, out var plate));
        Assert.Equal(PlateCountry.China, plate.Country);
        Assert.Equal(normalized, plate.Normalized);
    }

    [Fact]
    public void Every_mainland_province_character_starts_a_valid_plate()
    {
        Assert.Equal(31, PlateNumber.ChineseProvinces.Length);
        foreach (var province in PlateNumber.ChineseProvinces)
        {
            Assert.True(PlateNumber.TryParse($"{province}A12345", out var plate), $"{province}A12345");
            Assert.Equal(PlateCountry.China, plate.Country);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("10C-123.45")] // province codes start at 11
    [InlineData("05C-123.45")]
    [InlineData("00A-12345")]
    [InlineData("9C-123.45")] // one-digit province
    [InlineData("29-123.45")] // no series
    [InlineData("29ABC-12345")] // three-letter series
    [InlineData("2912-12345")] // digit series
    [InlineData("29C-123")] // three digits
    [InlineData("29C-123456")] // six digits after a one-letter series reads as C1 + 5 digits
    [InlineData("29C1-123456")]
    [InlineData("29C-12.345")] // misplaced dot
    [InlineData("29C-1234.5")]
    [InlineData("29C_12345")]
    [InlineData("２９C12345")] // full-width digits
    [InlineData("٢٩C12345")] // Arabic-Indic digits
    [InlineData("港A12345")] // not a mainland province
    [InlineData("桂12345")] // no authority letter
    [InlineData("桂A1234")] // four characters, not a trailer
    [InlineData("桂A1234567")]
    [InlineData("桂AI2345")] // I and O are never issued
    [InlineData("桂A1234O")]
    [InlineData("桂A123456")] // six characters without the new-energy mark
    [InlineData("桂A12345挂")]
    [InlineData("GUI A12345")] // province spelled out is not accepted
    [InlineData("ABC-12345")]
    public void Invalid_plate_is_rejected(string? text)
    {
        Assert.False(PlateNumber.TryParse(text, out var plate));
        Assert.Null(plate);
    }

    [Fact]
    public void Parse_throws_on_an_invalid_plate() =>
        Assert.Throws<FormatException>(() => PlateNumber.Parse("not a plate"));

    [Fact]
    public void Same_plate_written_differently_is_equal() =>
        Assert.Equal(PlateNumber.Parse("29C-123.45"), PlateNumber.Parse("29 c 12345"));
}
