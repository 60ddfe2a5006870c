using System.Globalization;

namespace BorderGate.Contracts.Trips;

/// <summary>
/// Checks a trip declaration field by field, the moment it is submitted, so that the company is told
/// of every error at once rather than one per attempt. Pure: no I/O, time comes in as <c>now</c>.
/// </summary>
public static class DeclarationValidator
{
    /// <summary>Validates <paramref name="declaration"/> as of <paramref name="now"/>.</summary>
    /// <returns>Every field error found, and the normalized declaration when there is none.</returns>
    public static ValidationResult Validate(TripDeclaration declaration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        var errors = new List<FieldError>();

        var companyId = CheckCompanyId(declaration.CompanyId, errors);
        var truckPlate = CheckPlate(DeclarationFields.TruckPlate, declaration.TruckPlate, required: true, errors);
        var trailerPlate = CheckPlate(DeclarationFields.TrailerPlate, declaration.TrailerPlate, required: false, errors);
        if (truckPlate is not null && trailerPlate is not null && truckPlate.Equals(trailerPlate))
        {
            errors.Add(new(DeclarationFields.TrailerPlate, DeclarationErrorCodes.TrailerSameAsTruck, "The trailer plate is the same as the truck plate."));
        }

        var cargoKnown = CheckDefined(DeclarationFields.CargoKind, declaration.CargoKind, errors);
        var container = cargoKnown ? CheckContainer(declaration, errors) : null;
        CheckDefined(DeclarationFields.Direction, declaration.Direction, errors);
        var customs = cargoKnown ? CheckCustoms(declaration, errors) : null;
        var driverName = CheckDriverName(declaration.DriverName, errors);
        var phone = CheckPhone(declaration.DriverPhone, errors);
        CheckWeight(declaration.GrossWeightKg, errors);
        CheckArrival(declaration.DesiredArrival, now, errors);

        if (errors.Count > 0)
        {
            return new ValidationResult(errors, null);
        }

        return new ValidationResult([], declaration with
        {
            CompanyId = companyId!,
            TruckPlate = truckPlate!.Normalized,
            TrailerPlate = trailerPlate?.Normalized,
            ContainerNumber = container?.Normalized,
            CustomsDeclarationNumber = customs,
            DriverName = driverName!,
            DriverPhone = phone,
        });
    }

    private static string? CheckCompanyId(string? text, List<FieldError> errors)
    {
        var companyId = text?.Trim();
        if (string.IsNullOrEmpty(companyId))
        {
            errors.Add(Missing(DeclarationFields.CompanyId, "The company id is required."));
            return null;
        }

        if (companyId.Length > DeclarationRules.MaxCompanyIdLength)
        {
            errors.Add(TooLong(DeclarationFields.CompanyId, DeclarationRules.MaxCompanyIdLength));
            return null;
        }

        if (!companyId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            errors.Add(new(DeclarationFields.CompanyId, DeclarationErrorCodes.CompanyFormat, "The company id may only have letters, digits, '-', '_' and '.'."));
            return null;
        }

        return companyId;
    }

    private static PlateNumber? CheckPlate(string field, string? text, bool required, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required)
            {
                errors.Add(Missing(field, "The plate is required."));
            }

            return null;
        }

        if (!PlateNumber.TryParse(text, out var plate))
        {
            errors.Add(new(field, DeclarationErrorCodes.PlateFormat,
                $"'{text.Trim()}' is not a Vietnamese plate (like 29C-123.45) or a Chinese plate (like 桂A12345)."));
            return null;
        }

        return plate;
    }

    private static bool CheckDefined<TEnum>(string field, TEnum value, List<FieldError> errors)
        where TEnum : struct, Enum
    {
        if (Enum.IsDefined(value))
        {
            return true;
        }

        errors.Add(new(field, DeclarationErrorCodes.UnknownValue, $"'{value}' is not a known {typeof(TEnum).Name}."));
        return false;
    }

    private static ContainerNumber? CheckContainer(TripDeclaration declaration, List<FieldError> errors)
    {
        const string Field = DeclarationFields.ContainerNumber;
        var text = declaration.ContainerNumber;
        if (string.IsNullOrWhiteSpace(text))
        {
            // Cars and machinery often travel on car carriers or flatbeds; all other cargo is containerised.
            if (declaration.CargoKind is not (CargoKind.Empty or CargoKind.Cars or CargoKind.Machinery))
            {
                errors.Add(Missing(Field, $"A container number is required for {declaration.CargoKind} cargo."));
            }

            return null;
        }

        if (declaration.CargoKind == CargoKind.Empty)
        {
            errors.Add(new(Field, DeclarationErrorCodes.ContainerNotAllowed,
                "The trip is declared empty but names a container: declare the cargo, or remove the container."));
            return null;
        }

        if (ContainerNumber.TryParse(text, out var container, out var problem))
        {
            return container;
        }

        errors.Add(problem switch
        {
            ContainerNumberProblem.Category => new(Field, DeclarationErrorCodes.ContainerCategory,
                $"'{text.Trim()}': the fourth letter must be U, J or Z."),
            ContainerNumberProblem.CheckDigit => new(Field, DeclarationErrorCodes.ContainerCheckDigit,
                $"'{text.Trim()}': the check digit does not match; please check the number on the container."),
            _ => new(Field, DeclarationErrorCodes.ContainerFormat,
                $"'{text.Trim()}' is not a container number (4 letters, 6 digits and a check digit, like CSQU3054383)."),
        });
        return null;
    }

    private static string? CheckCustoms(TripDeclaration declaration, List<FieldError> errors)
    {
        const string Field = DeclarationFields.CustomsDeclarationNumber;
        var text = declaration.CustomsDeclarationNumber;
        if (string.IsNullOrWhiteSpace(text))
        {
            // An empty truck declares no goods.
            if (declaration.CargoKind != CargoKind.Empty)
            {
                errors.Add(Missing(Field, "The customs declaration number is required for a loaded trip."));
            }

            return null;
        }

        if (!CustomsDeclarationNumber.TryNormalize(text, out var normalized))
        {
            errors.Add(new(Field, DeclarationErrorCodes.CustomsFormat,
                $"'{text.Trim()}' is not a customs declaration number (12 digits)."));
            return null;
        }

        return normalized;
    }

    private static string? CheckDriverName(string? text, List<FieldError> errors)
    {
        var name = text?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(Missing(DeclarationFields.DriverName, "The driver's name is required."));
            return null;
        }

        if (name.Length > DeclarationRules.MaxDriverNameLength)
        {
            errors.Add(TooLong(DeclarationFields.DriverName, DeclarationRules.MaxDriverNameLength));
            return null;
        }

        if (!name.Any(char.IsLetter) || name.Any(char.IsControl))
        {
            errors.Add(new(DeclarationFields.DriverName, DeclarationErrorCodes.NameFormat, "The driver's name must be letters, without control characters."));
            return null;
        }

        return name;
    }

    private static string? CheckPhone(string? text, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!DriverPhone.TryNormalize(text.Trim(), out var e164))
        {
            errors.Add(new(DeclarationFields.DriverPhone, DeclarationErrorCodes.PhoneFormat,
                $"'{text.Trim()}' is not a Vietnamese number (like 0912 345 678) or a Chinese mobile (like +86 139 1234 5678)."));
        }

        return e164;
    }

    private static void CheckWeight(int grossWeightKg, List<FieldError> errors)
    {
        if (grossWeightKg is < DeclarationRules.MinGrossWeightKg or > DeclarationRules.MaxGrossWeightKg)
        {
            errors.Add(new(DeclarationFields.GrossWeightKg, DeclarationErrorCodes.WeightRange, string.Create(CultureInfo.InvariantCulture,
                $"The gross weight must be between {DeclarationRules.MinGrossWeightKg} and {DeclarationRules.MaxGrossWeightKg:N0} kg; {grossWeightKg:N0} kg was declared.")));
        }
    }

    private static void CheckArrival(DateTimeOffset? desiredArrival, DateTimeOffset now, List<FieldError> errors)
    {
        if (desiredArrival is not { } arrival)
        {
            return;
        }

        if (arrival < now - DeclarationRules.ArrivalPastTolerance)
        {
            errors.Add(new(DeclarationFields.DesiredArrival, DeclarationErrorCodes.ArrivalInPast, "The desired arrival is in the past."));
        }
        else if (arrival > now + DeclarationRules.ArrivalHorizon)
        {
            errors.Add(new(DeclarationFields.DesiredArrival, DeclarationErrorCodes.ArrivalTooFar,
                $"The desired arrival is more than {DeclarationRules.ArrivalHorizon.TotalDays:0} days ahead; arrivals are booked at most that far ahead."));
        }
    }

    private static FieldError Missing(string field, string message) => new(field, DeclarationErrorCodes.Required, message);

    private static FieldError TooLong(string field, int max) =>
        new(field, DeclarationErrorCodes.TooLong, string.Create(CultureInfo.InvariantCulture, $"At most {max} characters."));
}
