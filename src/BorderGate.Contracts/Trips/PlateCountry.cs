namespace BorderGate.Contracts.Trips;

/// <summary>The country that registered a vehicle plate.</summary>
public enum PlateCountry
{
    Vietnam,
    China,
}
