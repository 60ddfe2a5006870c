namespace BorderGate.Contracts.Trips;

/// <summary>The stable codes of <see cref="FieldError.Code"/>. Never change a value: clients translate by it.</summary>
public static class DeclarationErrorCodes
{
    /// <summary>A required field is missing or blank.</summary>
    public const string Required = "required";

    /// <summary>Text longer than the field allows.</summary>
    public const string TooLong = "text.too_long";

    /// <summary>The company id has characters other than letters, digits, '-', '_' and '.'.</summary>
    public const string CompanyFormat = "company.format";

    /// <summary>Not a Vietnamese or Chinese plate.</summary>
    public const string PlateFormat = "plate.format";

    /// <summary>The trailer plate repeats the truck's.</summary>
    public const string TrailerSameAsTruck = "plate.trailer_same_as_truck";

    /// <summary>Not 3 letters, a category letter, 6 digits and a check digit.</summary>
    public const string ContainerFormat = "container.format";

    /// <summary>The category letter is not U, J or Z.</summary>
    public const string ContainerCategory = "container.category";

    /// <summary>The check digit does not match: almost always a typo.</summary>
    public const string ContainerCheckDigit = "container.check_digit";

    /// <summary>A container number on a trip declared empty.</summary>
    public const string ContainerNotAllowed = "container.not_allowed";

    /// <summary>The customs declaration number is not 12 digits.</summary>
    public const string CustomsFormat = "customs.format";

    /// <summary>A cargo kind or direction that is not one of the enumeration's values.</summary>
    public const string UnknownValue = "value.unknown";

    /// <summary>The driver's name has no letter or has control characters.</summary>
    public const string NameFormat = "name.format";

    /// <summary>Not a Vietnamese or Chinese mobile number.</summary>
    public const string PhoneFormat = "phone.format";

    /// <summary>The gross weight is outside <see cref="DeclarationRules.MinGrossWeightKg"/>–<see cref="DeclarationRules.MaxGrossWeightKg"/>.</summary>
    public const string WeightRange = "weight.range";

    /// <summary>The desired arrival is in the past (beyond <see cref="DeclarationRules.ArrivalPastTolerance"/>).</summary>
    public const string ArrivalInPast = "arrival.past";

    /// <summary>The desired arrival is more than <see cref="DeclarationRules.ArrivalHorizon"/> ahead.</summary>
    public const string ArrivalTooFar = "arrival.too_far";
}
