using BorderGate.Contracts.Site;
using BorderGate.Contracts.Trips;
using BorderGate.Simulation.Plan;

namespace BorderGate.Simulation.Tests.Plan;

public sealed class DayPlanTests
{
    private static readonly DateTimeOffset s_midnight = new(2026, 3, 2, 17, 0, 0, TimeSpan.Zero); // 00:00 in Lang Son (UTC+7)
    private static readonly SiteLayout s_layout = SiteLayoutLoader.Load(SiteLayouts.DefaultPath);
    private static readonly DayPlan s_day = DayPlan.Generate(7, 10_000, s_layout, s_midnight);

    [Fact]
    public void SameSeed_SameDay_OtherSeed_OtherDay()
    {
        var again = DayPlan.Generate(7, 10_000, s_layout, s_midnight);
        var other = DayPlan.Generate(8, 10_000, s_layout, s_midnight);

        Assert.Equal(s_day.Trucks, again.Trucks, (a, b) => a == b || (a.Plate == b.Plate && a.DesiredArrival == b.DesiredArrival && a.Kind == b.Kind
            && a.WeighedKg == b.WeighedKg && a.DeclareAt == b.DeclareAt && a.OffsetInWindow == b.OffsetInWindow && Equals(a.Declaration, b.Declaration)));
        Assert.NotEqual(s_day.Trucks.Select(t => t.Plate), other.Trucks.Select(t => t.Plate));
    }

    [Fact]
    public void Arrivals_HaveAMorningAndAnAfternoonPeak_AndAQuietNight()
    {
        var byHour = new int[24];
        foreach (var truck in s_day.Trucks)
        {
            byHour[(int)(truck.DesiredArrival - s_midnight).TotalHours]++;
        }

        var morning = byHour[8];
        var afternoon = byHour[14];
        Assert.True(morning > 1.3 * byHour[11], $"morning peak {morning} vs 11:00 {byHour[11]}");
        Assert.True(afternoon > byHour[11], $"afternoon peak {afternoon} vs 11:00 {byHour[11]}");
        Assert.True(morning > 3 * byHour[20] && afternoon > 3 * byHour[20], "peaks well above the evening");
        Assert.Equal(0, byHour[..4].Sum());
        Assert.All(s_day.Trucks, t => Assert.InRange(t.DesiredArrival, s_midnight + TimeSpan.FromHours(4), s_midnight + TimeSpan.FromHours(23.5)));
    }

    [Fact]
    public void CargoAndDirection_FollowTheBriefsMix()
    {
        var declared = s_day.Trucks.Where(t => t.Declaration is not null).Select(t => t.Declaration!).ToList();
        var exports = declared.Where(d => d.Direction == TripDirection.Export).ToList();
        var imports = declared.Where(d => d.Direction == TripDirection.Import).ToList();

        Assert.InRange(exports.Count / (double)declared.Count, 0.62, 0.68);
        Assert.All(exports, d => Assert.Contains(d.CargoKind, new[] { CargoKind.FreshFruit, CargoKind.FarmProduce, CargoKind.Garments, CargoKind.Textiles, CargoKind.WoodenHandicrafts }));
        Assert.All(imports, d => Assert.Contains(d.CargoKind, new[] { CargoKind.FarmProduce, CargoKind.ElectronicComponents, CargoKind.Cars, CargoKind.ConsumerGoods, CargoKind.Machinery, CargoKind.Empty }));
        Assert.Equal(CargoKind.FreshFruit, exports.GroupBy(d => d.CargoKind).MaxBy(g => g.Count())!.Key);
        Assert.All(imports.Where(d => d.CargoKind == CargoKind.Cars), d => Assert.Null(d.ContainerNumber));
    }

    [Fact]
    public void Identities_AreValidAndUnique_AndEveryDeclarationPassesValidation()
    {
        Assert.Equal(s_day.Trucks.Count, s_day.Trucks.Select(t => t.Plate).Distinct(StringComparer.Ordinal).Count());
        Assert.All(s_day.Trucks, t => Assert.True(PlateNumber.TryParse(t.Plate, out var plate) && plate.Normalized == t.Plate, t.Plate));
        Assert.Contains(s_day.Trucks, t => PlateNumber.Parse(t.Plate).Country == PlateCountry.China);
        Assert.Contains(s_day.Trucks, t => PlateNumber.Parse(t.Plate).Country == PlateCountry.Vietnam);

        var containers = s_day.Trucks.Select(t => t.ContainerNumber).OfType<string>().ToList();
        Assert.Equal(containers.Count, containers.Distinct(StringComparer.Ordinal).Count());
        Assert.All(containers, c => Assert.True(ContainerNumber.TryParse(c, out _), c));

        foreach (var truck in s_day.Trucks.Where(t => t.Declaration is not null))
        {
            var result = DeclarationValidator.Validate(truck.Declaration!, truck.DeclareAt);
            Assert.True(result.IsValid, $"{truck.Plate}: {string.Join("; ", result.Errors.Select(e => e.Code))}");
            if (truck.Declaration!.CustomsDeclarationNumber is { } customs)
            {
                Assert.Matches("^(10|30)[0-9]{10}$", customs);
            }

            Assert.InRange(truck.DeclareAt, s_midnight, truck.DesiredArrival - TimeSpan.FromMinutes(30) > s_midnight ? truck.DesiredArrival - TimeSpan.FromMinutes(30) : s_midnight);
        }
    }

    [Fact]
    public void Exceptions_ComeInTheirStatedShares_AndKeepTheirRules()
    {
        double Share(ArrivalKind kind) => s_day.Trucks.Count(t => t.Kind == kind) / (double)s_day.Trucks.Count;

        Assert.InRange(Share(ArrivalKind.Undeclared), 0.005, 0.015);
        Assert.InRange(Share(ArrivalKind.NoShow), 0.013, 0.027);
        Assert.InRange(Share(ArrivalKind.Early), 0.04, 0.06);
        Assert.InRange(Share(ArrivalKind.Late), 0.03, 0.05);
        Assert.InRange(Share(ArrivalKind.Overweight), 0.002, 0.009);

        var policy = s_layout.Policy;
        Assert.All(s_day.Trucks.Where(t => t.Kind == ArrivalKind.Undeclared), t => Assert.Null(t.Declaration));
        Assert.All(s_day.Trucks.Where(t => t.Kind == ArrivalKind.Early), t => Assert.True(t.OffsetInWindow > policy.EarlyTolerance));
        Assert.All(s_day.Trucks.Where(t => t.Kind == ArrivalKind.Late), t => Assert.InRange(t.OffsetInWindow, policy.LateTolerance, policy.NoShowAfter));
        Assert.All(s_day.Trucks.Where(t => t.Kind == ArrivalKind.Overweight), t =>
            Assert.True(t.WeighedKg > t.Declaration!.GrossWeightKg * 1.2));
        Assert.All(s_day.Trucks.Where(t => t.Kind == ArrivalKind.OnTime), t =>
            Assert.InRange(t.WeighedKg, t.Declaration!.GrossWeightKg * 0.97, t.Declaration.GrossWeightKg * 1.03));
        Assert.All(s_day.Trucks.Where(t => t.Kind == ArrivalKind.OnTime), t => Assert.InRange(t.OffsetInWindow, TimeSpan.Zero, policy.ArrivalWindow));
    }
}
