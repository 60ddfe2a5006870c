using BorderGate.Contracts.Trips;

namespace BorderGate.Grains.Tests.Declarations;

public sealed class DeclarationValidatorTests
{
    private static readonly DateTimeOffset s_now = new(2026, 3, 2, 8, 0, 0, TimeSpan.FromHours(7));

    private static TripDeclaration Valid() => new()
    {
        CompanyId = "vn-0101234567",
        TruckPlate = "12C-123.45",
        TrailerPlate = "12R-012.34",
        ContainerNumber = "csqu 305438 3",
        CargoKind = CargoKind.FreshFruit,
        Direction = TripDirection.Export,
        CustomsDeclarationNumber = "305 123 456 780",
        DriverName = "  Nguyễn Văn An ",
        DriverPhone = "0912 345 678",
        GrossWeightKg = 32_500,
        DesiredArrival = s_now.AddHours(3),
    };

    private static FieldError SingleError(TripDeclaration declaration)
    {
        var result = DeclarationValidator.Validate(declaration, s_now);
        Assert.False(result.IsValid);
        Assert.Null(result.Normalized);
        return Assert.Single(result.Errors);
    }

    private static void AssertError(TripDeclaration declaration, string field, string code)
    {
        var error = SingleError(declaration);
        Assert.Equal(field, error.Field);
        Assert.Equal(code, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Valid_declaration_passes_and_is_normalized()
    {
        var result = DeclarationValidator.Validate(Valid(), s_now);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var normalized = Assert.IsType<TripDeclaration>(result.Normalized);
        Assert.Equal("12C12345", normalized.TruckPlate);
        Assert.Equal("12R01234", normalized.TrailerPlate);
        Assert.Equal("CSQU3054383", normalized.ContainerNumber);
        Assert.Equal("305123456780", normalized.CustomsDeclarationNumber);
        Assert.Equal("Nguyễn Văn An", normalized.DriverName);
        Assert.Equal("+84912345678", normalized.DriverPhone);
        Assert.Equal(CargoKind.FreshFruit, normalized.CargoKind);
        Assert.Equal(32_500, normalized.GrossWeightKg);
    }

    [Fact]
    public void Chinese_truck_on_import_with_chinese_mobile_passes()
    {
        var result = DeclarationValidator.Validate(Valid() with
        {
            TruckPlate = "桂A·12345F",
            TrailerPlate = "桂A1234挂",
            Direction = TripDirection.Import,
            CargoKind = CargoKind.ElectronicComponents,
            DriverName = "李伟",
            DriverPhone = "+86 139 1234 5678",
        }, s_now);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal("桂A12345F", result.Normalized!.TruckPlate);
        Assert.Equal("+8613912345678", result.Normalized.DriverPhone);
    }

    [Fact]
    public void Empty_trip_needs_neither_container_nor_customs_number()
    {
        var result = DeclarationValidator.Validate(Valid() with
        {
            CargoKind = CargoKind.Empty,
            ContainerNumber = null,
            CustomsDeclarationNumber = null,
            TrailerPlate = null,
            DriverPhone = null,
            DesiredArrival = null,
        }, s_now);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Null(result.Normalized!.ContainerNumber);
        Assert.Null(result.Normalized.CustomsDeclarationNumber);
    }

    [Theory]
    [InlineData(CargoKind.Cars)]
    [InlineData(CargoKind.Machinery)]
    public void Oversize_cargo_may_travel_without_a_container(CargoKind cargo) =>
        Assert.True(DeclarationValidator.Validate(Valid() with { CargoKind = cargo, ContainerNumber = " " }, s_now).IsValid);

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var result = DeclarationValidator.Validate(new TripDeclaration(), s_now);

        Assert.Equal(
            [DeclarationFields.CompanyId, DeclarationFields.TruckPlate, DeclarationFields.ContainerNumber,
             DeclarationFields.CustomsDeclarationNumber, DeclarationFields.DriverName, DeclarationFields.GrossWeightKg],
            result.Errors.Select(e => e.Field));
        Assert.All(result.Errors.SkipLast(1), e => Assert.Equal(DeclarationErrorCodes.Required, e.Code));
        Assert.Equal(DeclarationErrorCodes.WeightRange, result.Errors[^1].Code);
    }

    [Fact]
    public void Missing_company_is_required() =>
        AssertError(Valid() with { CompanyId = " " }, DeclarationFields.CompanyId, DeclarationErrorCodes.Required);

    [Fact]
    public void Null_text_from_a_lax_deserializer_is_required() =>
        AssertError(Valid() with { DriverName = null! }, DeclarationFields.DriverName, DeclarationErrorCodes.Required);

    [Fact]
    public void Overlong_company_is_too_long() =>
        AssertError(Valid() with { CompanyId = new string('x', 65) }, DeclarationFields.CompanyId, DeclarationErrorCodes.TooLong);

    [Fact]
    public void Company_with_spaces_is_bad_format() =>
        AssertError(Valid() with { CompanyId = "acme trading" }, DeclarationFields.CompanyId, DeclarationErrorCodes.CompanyFormat);

    [Fact]
    public void Bad_truck_plate_is_reported() =>
        AssertError(Valid() with { TruckPlate = "29C-12" }, DeclarationFields.TruckPlate, DeclarationErrorCodes.PlateFormat);

    [Fact]
    public void Bad_trailer_plate_is_reported() =>
        AssertError(Valid() with { TrailerPlate = "R-01234" }, DeclarationFields.TrailerPlate, DeclarationErrorCodes.PlateFormat);

    [Fact]
    public void Trailer_with_the_truck_plate_is_reported() =>
        AssertError(Valid() with { TrailerPlate = "12C 12345" }, DeclarationFields.TrailerPlate, DeclarationErrorCodes.TrailerSameAsTruck);

    [Fact]
    public void Missing_container_on_containerised_cargo_is_required() =>
        AssertError(Valid() with { ContainerNumber = null }, DeclarationFields.ContainerNumber, DeclarationErrorCodes.Required);

    [Fact]
    public void Container_on_an_empty_trip_is_not_allowed() =>
        AssertError(Valid() with { CargoKind = CargoKind.Empty }, DeclarationFields.ContainerNumber, DeclarationErrorCodes.ContainerNotAllowed);

    [Fact]
    public void Container_with_a_wrong_check_digit_is_reported() =>
        AssertError(Valid() with { ContainerNumber = "CSQU3054384" }, DeclarationFields.ContainerNumber, DeclarationErrorCodes.ContainerCheckDigit);

    [Fact]
    public void Container_with_a_bad_category_is_reported() =>
        AssertError(Valid() with { ContainerNumber = "CSQX3054383" }, DeclarationFields.ContainerNumber, DeclarationErrorCodes.ContainerCategory);

    [Fact]
    public void Malformed_container_is_reported() =>
        AssertError(Valid() with { ContainerNumber = "CSQU30543" }, DeclarationFields.ContainerNumber, DeclarationErrorCodes.ContainerFormat);

    [Fact]
    public void Unknown_cargo_kind_is_reported() =>
        AssertError(Valid() with { CargoKind = (CargoKind)99 }, DeclarationFields.CargoKind, DeclarationErrorCodes.UnknownValue);

    [Fact]
    public void Unknown_direction_is_reported() =>
        AssertError(Valid() with { Direction = (TripDirection)7 }, DeclarationFields.Direction, DeclarationErrorCodes.UnknownValue);

    [Fact]
    public void Missing_customs_number_on_a_loaded_trip_is_required() =>
        AssertError(Valid() with { CustomsDeclarationNumber = "" }, DeclarationFields.CustomsDeclarationNumber, DeclarationErrorCodes.Required);

    [Fact]
    public void Malformed_customs_number_is_reported() =>
        AssertError(Valid() with { CustomsDeclarationNumber = "30512345678" }, DeclarationFields.CustomsDeclarationNumber, DeclarationErrorCodes.CustomsFormat);

    [Fact]
    public void Malformed_customs_number_on_an_empty_trip_is_still_reported() =>
        AssertError(Valid() with { CargoKind = CargoKind.Empty, ContainerNumber = null, CustomsDeclarationNumber = "abc" },
            DeclarationFields.CustomsDeclarationNumber, DeclarationErrorCodes.CustomsFormat);

    [Fact]
    public void Overlong_driver_name_is_too_long() =>
        AssertError(Valid() with { DriverName = new string('a', 101) }, DeclarationFields.DriverName, DeclarationErrorCodes.TooLong);

    [Theory]
    [InlineData("12345")]
    [InlineData("An\u0007")]
    public void Driver_name_without_letters_or_with_control_characters_is_reported(string name) =>
        AssertError(Valid() with { DriverName = name }, DeclarationFields.DriverName, DeclarationErrorCodes.NameFormat);

    [Theory]
    [InlineData("0912 345 678", "+84912345678")]
    [InlineData("+84 912 345 678", "+84912345678")]
    [InlineData("0084-35-123-4567", "+84351234567")]
    [InlineData("(025) 3855 1234", "+842538551234")]
    [InlineData("13912345678", "+8613912345678")]
    [InlineData("0086 139 1234 5678", "+8613912345678")]
    public void Driver_phone_is_normalized_to_e164(string phone, string e164) =>
        Assert.Equal(e164, DeclarationValidator.Validate(Valid() with { DriverPhone = phone }, s_now).Normalized?.DriverPhone);

    [Theory]
    [InlineData("12345")]
    [InlineData("0112 345 678")] // no such Vietnamese prefix
    [InlineData("+84 0912 345 678")]
    [InlineData("+86 12912345678")]
    [InlineData("+1 415 555 0100")]
    public void Bad_driver_phone_is_reported(string phone) =>
        AssertError(Valid() with { DriverPhone = phone }, DeclarationFields.DriverPhone, DeclarationErrorCodes.PhoneFormat);

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(60_001)]
    [InlineData(325_000_000)]
    public void Weight_out_of_range_is_reported(int kg) =>
        AssertError(Valid() with { GrossWeightKg = kg }, DeclarationFields.GrossWeightKg, DeclarationErrorCodes.WeightRange);

    [Theory]
    [InlineData(1)]
    [InlineData(60_000)]
    public void Weight_limits_are_inclusive(int kg) =>
        Assert.True(DeclarationValidator.Validate(Valid() with { GrossWeightKg = kg }, s_now).IsValid);

    [Fact]
    public void Arrival_in_the_past_is_reported() =>
        AssertError(Valid() with { DesiredArrival = s_now.AddMinutes(-16) }, DeclarationFields.DesiredArrival, DeclarationErrorCodes.ArrivalInPast);

    [Fact]
    public void Arrival_more_than_a_week_ahead_is_reported() =>
        AssertError(Valid() with { DesiredArrival = s_now.AddDays(7).AddMinutes(1) }, DeclarationFields.DesiredArrival, DeclarationErrorCodes.ArrivalTooFar);

    [Theory]
    [InlineData(-15)]
    [InlineData(0)]
    [InlineData(7 * 24 * 60)]
    public void Arrival_within_tolerance_and_horizon_passes(int minutes) =>
        Assert.True(DeclarationValidator.Validate(Valid() with { DesiredArrival = s_now.AddMinutes(minutes) }, s_now).IsValid);

    [Fact]
    public void Arrival_is_compared_as_an_instant_whatever_its_offset() =>
        // 01:10 UTC is 08:10 in Hanoi: ten minutes ahead, not seven hours behind.
        Assert.True(DeclarationValidator.Validate(Valid() with { DesiredArrival = new DateTimeOffset(2026, 3, 2, 1, 10, 0, TimeSpan.Zero) }, s_now).IsValid);

    [Fact]
    public void Alert_carries_the_field_error()
    {
        var error = SingleError(Valid() with { ContainerNumber = "CSQU3054384" });
        var alert = DeclarationAlert.From(error, "trip-1", s_now);

        Assert.Equal(new DeclarationAlert("trip-1", DeclarationFields.ContainerNumber, DeclarationErrorCodes.ContainerCheckDigit, error.Message, s_now), alert);
    }
}
