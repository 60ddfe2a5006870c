namespace BorderGate.Silo.Tests;

/// <summary>A valid trip declaration as a company posts it (JSON body of <c>POST /api/trips</c>), with the fields tests vary.</summary>
internal static class TestDeclarations
{
    public static object Declaration(string plate, string container = "CSQU3054383", string company = "vn-fruit-co", int weight = 24_000) => new
    {
        companyId = company,
        truckPlate = plate,
        containerNumber = container,
        cargoKind = "FreshFruit",
        direction = "Export",
        customsDeclarationNumber = "305123456789",
        driverName = "Nguyen Van A",
        driverPhone = "0912345678",
        grossWeightKg = weight,
    };
}
