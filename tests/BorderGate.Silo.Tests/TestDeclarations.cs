namespace BorderGate.Silo.Tests;

/// <summary>A valid trip declaration as a company posts it (JSON body of <c>POST /api/trips</c>), with the fields tests vary.</summary>
internal static class TestDeclarations
{
    /// <summary>The company the tests declare for unless they say.</summary>
    public const string Company = "vn-fruit-co";

    /// <summary>The declaration number of <see cref="Declaration"/>.</summary>
    public const string Number = "305123456789";

    public static object Declaration(string plate, string container = "CSQU3054383", string company = Company, int weight = 24_000, string declaration = Number) => new
    {
        companyId = company,
        truckPlate = plate,
        containerNumber = container,
        cargoKind = "FreshFruit",
        direction = "Export",
        customsDeclarationNumber = declaration,
        driverName = "Nguyen Van A",
        driverPhone = "0912345678",
        grossWeightKg = weight,
    };
}
