using BorderGate.Contracts.Trips;

namespace BorderGate.Simulation.Plan;

/// <summary>
/// The cargo of a day, after the brief: exports are mostly fresh fruit, farm produce, garments, textiles and
/// wooden handicrafts; imports are farm produce, electronic components, complete cars, consumer goods and
/// machinery. 65 % of trucks export (the lanes are laid out 4½ for exports, 1½ for imports). Gross weights
/// are drawn evenly from a range typical of each cargo on a 40-foot combination.
/// </summary>
internal static class CargoMix
{
    public const double ExportShare = 0.65;

    public static readonly (CargoKind Kind, double Share)[] Exports =
    [
        (CargoKind.FreshFruit, 0.40),
        (CargoKind.FarmProduce, 0.18),
        (CargoKind.Garments, 0.16),
        (CargoKind.Textiles, 0.14),
        (CargoKind.WoodenHandicrafts, 0.12),
    ];

    public static readonly (CargoKind Kind, double Share)[] Imports =
    [
        (CargoKind.FarmProduce, 0.15),
        (CargoKind.ElectronicComponents, 0.28),
        (CargoKind.Cars, 0.10),
        (CargoKind.ConsumerGoods, 0.27),
        (CargoKind.Machinery, 0.12),
        (CargoKind.Empty, 0.08),
    ];

    public static CargoKind Draw(Random random, TripDirection direction)
    {
        var mix = direction == TripDirection.Export ? Exports : Imports;
        var pick = random.NextDouble();
        foreach (var (kind, share) in mix)
        {
            pick -= share;
            if (pick < 0)
            {
                return kind;
            }
        }

        return mix[^1].Kind;
    }

    /// <summary>Declared gross weight in kg (truck, trailer and load).</summary>
    public static int DrawWeightKg(Random random, CargoKind kind)
    {
        var (min, max) = kind switch
        {
            CargoKind.FreshFruit => (28_000, 36_000),
            CargoKind.FarmProduce => (25_000, 34_000),
            CargoKind.Garments => (14_000, 22_000),
            CargoKind.Textiles => (18_000, 27_000),
            CargoKind.WoodenHandicrafts => (12_000, 20_000),
            CargoKind.Electronics or CargoKind.ElectronicComponents => (12_000, 21_000),
            CargoKind.Cars => (20_000, 30_000),
            CargoKind.ConsumerGoods => (15_000, 26_000),
            CargoKind.Machinery => (22_000, 42_000),
            _ => (9_000, 14_000),
        };
        return random.Next(min / 10, (max / 10) + 1) * 10;
    }

    /// <summary>Cars travel on car carriers, half the machinery on flatbeds, an empty truck carries nothing; the rest is containerised.</summary>
    public static bool HasContainer(Random random, CargoKind kind) => kind switch
    {
        CargoKind.Cars or CargoKind.Empty => false,
        CargoKind.Machinery => random.NextDouble() < 0.5,
        _ => true,
    };
}
