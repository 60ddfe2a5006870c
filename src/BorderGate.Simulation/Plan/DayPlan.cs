using BorderGate.Contracts.Site;
using BorderGate.Contracts.Trips;

namespace BorderGate.Simulation.Plan;

/// <summary>
/// A day of trucks at a crossing, the same for the same seed.
/// </summary>
/// <remarks>
/// <para>Arrivals follow <see cref="ArrivalCurve"/> (morning peak around 08:30, afternoon peak around 14:30,
/// a background from 05:00 to 22:00), counted from <see cref="Start"/>, the day's local midnight.</para>
/// <para>Cargo and direction follow <see cref="CargoMix"/>. Exports travel on Vietnamese trucks 85 % of the time,
/// imports on Chinese trucks 70 % of the time.</para>
/// <para>Each company declares its trip between 30 minutes and 4 hours before the desired arrival (not before
/// the day's start). The rules for the exceptions, drawn per truck:</para>
/// <list type="bullet">
/// <item>1 % come undeclared: they drive up at their desired time without a declaration and are held at the entrance.</item>
/// <item>2 % are no-shows: declared and booked, they never come; the gate marks them after the policy's no-show delay.</item>
/// <item>5 % come early: 5 to 60 minutes more than the early tolerance before their window opens (they wait for it).</item>
/// <item>4 % come late: between the late tolerance + 5 minutes and the no-show delay − 10 minutes after their
/// window ends (queued behind the trucks on time, but not yet no-shows).</item>
/// <item>0.5 % are overweight: they weigh 25 % more than declared and are held at the lane.</item>
/// <item>The rest come inside their booked window, evenly spread over it; the weighbridge reads within ±2 % of the declaration.</item>
/// </list>
/// </remarks>
public sealed record DayPlan(int Seed, DateTimeOffset Start, IReadOnlyList<PlannedTruck> Trucks)
{
    public const double UndeclaredShare = 0.01;
    public const double NoShowShare = 0.02;
    public const double EarlyShare = 0.05;
    public const double LateShare = 0.04;
    public const double OverweightShare = 0.005;

    /// <summary>Generates the day: <paramref name="trucks"/> trucks for <paramref name="layout"/>'s policy, the day starting at <paramref name="start"/>.</summary>
    public static DayPlan Generate(int seed, int trucks, SiteLayout layout, DateTimeOffset start)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trucks);
        ArgumentNullException.ThrowIfNull(layout);
        var random = new Random(seed);
        var identities = new Identities(random);
        var policy = layout.Policy;
        var drafts = new List<PlannedTruck>(trucks);
        for (var i = 0; i < trucks; i++)
        {
            var desired = start + TimeSpan.FromHours(ArrivalCurve.DrawHour(random));
            desired = new DateTimeOffset(desired.UtcTicks - (desired.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
            var direction = random.NextDouble() < CargoMix.ExportShare ? TripDirection.Export : TripDirection.Import;
            var country = direction == TripDirection.Export
                ? (random.NextDouble() < 0.85 ? PlateCountry.Vietnam : PlateCountry.China)
                : (random.NextDouble() < 0.70 ? PlateCountry.China : PlateCountry.Vietnam);
            var cargo = CargoMix.Draw(random, direction);
            var declaredKg = CargoMix.DrawWeightKg(random, cargo);
            var plate = identities.Plate(country);
            var declaration = new TripDeclaration
            {
                CompanyId = identities.Company(country),
                TruckPlate = plate,
                ContainerNumber = CargoMix.HasContainer(random, cargo) ? identities.Container() : null,
                CargoKind = cargo,
                Direction = direction,
                CustomsDeclarationNumber = cargo == CargoKind.Empty ? null : identities.CustomsNumber(direction),
                DriverName = identities.DriverName(country),
                DriverPhone = identities.DriverPhone(country),
                GrossWeightKg = declaredKg,
                DesiredArrival = desired,
            };

            var (kind, offset) = DrawArrival(random, policy);
            var weighed = kind == ArrivalKind.Overweight
                ? (int)(declaredKg * 1.25)
                : (int)(declaredKg * (1 + ((random.NextDouble() - 0.5) * 0.04)));
            var lead = TimeSpan.FromMinutes(30 + (random.NextDouble() * 210));
            var declareAt = desired - lead < start ? start : desired - lead;
            drafts.Add(new PlannedTruck(0, plate, kind == ArrivalKind.Undeclared ? null : declaration, kind, declareAt, desired, offset, weighed));
        }

        var ordered = drafts.OrderBy(t => t.DesiredArrival).ThenBy(t => t.Plate, StringComparer.Ordinal).Select((t, i) => t with { Index = i }).ToList();
        return new DayPlan(seed, start, ordered);
    }

    private static (ArrivalKind Kind, TimeSpan Offset) DrawArrival(Random random, DispatchPolicy policy)
    {
        var pick = random.NextDouble();
        var window = policy.ArrivalWindow;
        if ((pick -= UndeclaredShare) < 0)
        {
            return (ArrivalKind.Undeclared, TimeSpan.Zero);
        }

        if ((pick -= NoShowShare) < 0)
        {
            return (ArrivalKind.NoShow, TimeSpan.Zero);
        }

        if ((pick -= EarlyShare) < 0)
        {
            return (ArrivalKind.Early, policy.EarlyTolerance + TimeSpan.FromMinutes(5 + (random.NextDouble() * 55)));
        }

        if ((pick -= LateShare) < 0)
        {
            var from = policy.LateTolerance + TimeSpan.FromMinutes(5);
            var to = policy.NoShowAfter - TimeSpan.FromMinutes(10);
            return (ArrivalKind.Late, to > from ? from + ((to - from) * random.NextDouble()) : from);
        }

        var inWindow = window * random.NextDouble() * 0.9;
        return (pick -= OverweightShare) < 0 ? (ArrivalKind.Overweight, inWindow) : (ArrivalKind.OnTime, inWindow);
    }
}
