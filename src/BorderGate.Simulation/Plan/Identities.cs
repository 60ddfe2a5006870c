using System.Globalization;
using BorderGate.Contracts.Trips;

namespace BorderGate.Simulation.Plan;

/// <summary>
/// Plates, container numbers, customs numbers, companies, drivers and phones of a day, from one seeded
/// <see cref="Random"/>. Plates and container numbers are unique within a day.
/// </summary>
internal sealed class Identities(Random random)
{
    // Lang Son (12) first, then the provinces that send most trucks to the border (Hanoi, Hai Phong, Bac Giang, ...).
    private static readonly int[] s_vietnameseProvinces = [12, 12, 12, 12, 29, 30, 15, 16, 98, 99, 14, 20, 34, 37, 51];
    private static readonly string[] s_vietnameseSeries = ["C", "C", "C", "H", "LD", "R"];

    // Guangxi (桂) first: most Chinese trucks here come from Nanning and Pingxiang; then Guangdong, Hunan, Yunnan.
    private static readonly string[] s_chineseProvinces = ["桂", "桂", "桂", "桂", "粤", "湘", "云", "川"];
    private const string ChineseAuthorities = "ABCDEFGHJKLMNPR";
    private const string ChineseSerialChars = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    private static readonly string[] s_containerOwners = ["CSQ", "OOL", "TGH", "SEG", "TCL", "HLX", "VNL", "GXP", "NSS", "BGC"];

    private static readonly string[] s_vietnameseFamilies = ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui", "Do", "Ngo"];
    private static readonly string[] s_vietnameseGiven = ["Van An", "Van Binh", "Duc Minh", "Quang Huy", "Thi Lan", "Van Hung", "Minh Tuan", "Thanh Son", "Van Long", "Huu Nam"];
    private static readonly string[] s_chineseNames = ["Wang Wei", "Li Qiang", "Zhang Lei", "Liu Yang", "Chen Jie", "Huang Tao", "Zhao Ming", "Wu Gang", "Lin Feng", "Zhou Bin"];

    private readonly HashSet<string> _plates = new(StringComparer.Ordinal);
    private readonly HashSet<string> _containers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _declarations = new(StringComparer.Ordinal);

    public string Plate(PlateCountry country)
    {
        while (true)
        {
            var text = country == PlateCountry.Vietnam ? VietnamesePlate() : ChinesePlate();
            var plate = PlateNumber.Parse(text).Normalized;
            if (_plates.Add(plate))
            {
                return plate;
            }
        }
    }

    public string Container()
    {
        while (true)
        {
            var firstTen = s_containerOwners[random.Next(s_containerOwners.Length)] + "U"
                + random.Next(0, 1_000_000).ToString("000000", CultureInfo.InvariantCulture);
            var number = firstTen + ContainerNumber.ComputeCheckDigit(firstTen).ToString(CultureInfo.InvariantCulture);
            if (_containers.Add(number))
            {
                return number;
            }
        }
    }

    /// <summary>12 digits; VNACCS numbers of import declarations start with 10, of export declarations with 30.</summary>
    public string CustomsNumber(TripDirection direction)
    {
        while (true)
        {
            var prefix = direction == TripDirection.Export ? "30" : "10";
            var number = prefix + random.NextInt64(0, 10_000_000_000).ToString("0000000000", CultureInfo.InvariantCulture);
            if (_declarations.Add(number))
            {
                return number;
            }
        }
    }

    /// <summary>One of 400 company accounts (the platform has about 2,000; a day sees a share of them).</summary>
    public string Company(PlateCountry country) =>
        (country == PlateCountry.Vietnam ? "vn-co-" : "cn-co-") + random.Next(1, 401).ToString("000", CultureInfo.InvariantCulture);

    public string DriverName(PlateCountry country) => country == PlateCountry.Vietnam
        ? $"{s_vietnameseFamilies[random.Next(s_vietnameseFamilies.Length)]} {s_vietnameseGiven[random.Next(s_vietnameseGiven.Length)]}"
        : s_chineseNames[random.Next(s_chineseNames.Length)];

    /// <summary>Vietnamese mobiles 09x/03x; Chinese mobiles 13x–19x with +86.</summary>
    public string DriverPhone(PlateCountry country) => country == PlateCountry.Vietnam
        ? "0" + (random.Next(2) == 0 ? "9" : "3") + random.Next(10_000_000, 100_000_000).ToString(CultureInfo.InvariantCulture)
        : "+86 1" + random.Next(3, 10).ToString(CultureInfo.InvariantCulture) + random.Next(100_000_000, 1_000_000_000).ToString(CultureInfo.InvariantCulture);

    private string VietnamesePlate()
    {
        var province = s_vietnameseProvinces[random.Next(s_vietnameseProvinces.Length)];
        var series = s_vietnameseSeries[random.Next(s_vietnameseSeries.Length)];
        var number = random.Next(0, 100_000).ToString("00000", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{province}{series}-{number[..3]}.{number[3..]}");
    }

    private string ChinesePlate()
    {
        var province = s_chineseProvinces[random.Next(s_chineseProvinces.Length)];
        var authority = ChineseAuthorities[random.Next(ChineseAuthorities.Length)];
        Span<char> serial = stackalloc char[5];
        for (var i = 0; i < serial.Length; i++)
        {
            // Mostly digits, as issued; a letter now and then.
            serial[i] = random.NextDouble() < 0.8 ? (char)('0' + random.Next(10)) : ChineseSerialChars[10 + random.Next(ChineseSerialChars.Length - 10)];
        }

        return $"{province}{authority}·{serial}";
    }
}
