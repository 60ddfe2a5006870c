namespace BorderGate.Contracts.Trips;

/// <summary>The field names used in <see cref="FieldError.Field"/>: the JSON (camelCase) names of <see cref="TripDeclaration"/>.</summary>
public static class DeclarationFields
{
    public const string CompanyId = "companyId";
    public const string TruckPlate = "truckPlate";
    public const string TrailerPlate = "trailerPlate";
    public const string ContainerNumber = "containerNumber";
    public const string CargoKind = "cargoKind";
    public const string Direction = "direction";
    public const string CustomsDeclarationNumber = "customsDeclarationNumber";
    public const string DriverName = "driverName";
    public const string DriverPhone = "driverPhone";
    public const string GrossWeightKg = "grossWeightKg";
    public const string DesiredArrival = "desiredArrival";
}
