using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace BorderGate.Contracts.Trips;

/// <summary>
/// A vehicle registration plate of Vietnam or China, parsed from what a driver types or a camera reads.
/// </summary>
/// <remarks>
/// <para>Vietnam: a province code 11–99, a series (one letter, a letter and a digit such as "C1", or two
/// letters such as "LD"), then 4 or 5 digits; the 5-digit number is usually written "123.45".
/// "29C-123.45", "29C12345" and "29 C 123.45" are the same plate, normalized to "29C12345".</para>
/// <para>China: a province character, the issuing authority's letter, then 5 characters (6 for new-energy
/// vehicles, whose "D" or "F" mark is first or last); trailers carry 4 characters and the "挂" suffix.
/// The letters I and O are never issued in the serial (they read as 1 and 0), so they are rejected.
/// Separators (space, hyphen, dot, "·") are dropped: "桂A·12345" normalizes to "桂A12345".</para>
/// </remarks>
[JsonConverter(typeof(PlateNumberJsonConverter))]
public sealed partial record PlateNumber
{
    /// <summary>The 31 mainland province abbreviations that start a Chinese plate.</summary>
    public const string ChineseProvinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

    private PlateNumber(PlateCountry country, string normalized)
    {
        Country = country;
        Normalized = normalized;
    }

    public PlateCountry Country { get; }

    /// <summary>The plate without separators, Latin letters upper case: "29C12345", "桂A12345". The truck grain's key.</summary>
    public string Normalized { get; }

    /// <summary>Parses a Vietnamese or Chinese plate; false when <paramref name="text"/> is neither.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out PlateNumber? plate)
    {
        plate = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 32)
        {
            return false;
        }

        // Upper-casing is invariant so that a Turkish-culture host does not turn "i" into "İ".
        var upper = text.Trim().ToUpperInvariant();
        var vietnamese = VietnamesePlate().Match(upper);
        if (vietnamese.Success)
        {
            var province = int.Parse(vietnamese.Groups["province"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture);
            if (province < 11)
            {
                return false;
            }

            plate = new PlateNumber(PlateCountry.Vietnam, StripSeparators(upper));
            return true;
        }

        var chinese = ChinesePlate().Match(upper);
        if (chinese.Success && IsChineseSerial(chinese.Groups["serial"].Value))
        {
            plate = new PlateNumber(PlateCountry.China, StripSeparators(upper));
            return true;
        }

        return false;
    }

    /// <summary>Parses a plate or throws.</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not a Vietnamese or Chinese plate.</exception>
    public static PlateNumber Parse(string text) =>
        TryParse(text, out var plate) ? plate : throw new FormatException($"'{text}' is not a Vietnamese or Chinese vehicle plate.");

    public override string ToString() => Normalized;

    // New-energy plates have 6 characters: small vehicles put the D/F mark first, large ones last.
    private static bool IsChineseSerial(string serial) =>
        serial.Length != 6 || serial[0] is 'D' or 'F' || serial[5] is 'D' or 'F';

    private static string StripSeparators(string text) =>
        string.Concat(text.Where(c => c is not (' ' or '\t' or '-' or '.' or '·')));

    // [0-9] rather than \d: \d would also accept Arabic-Indic and full-width digits.
    [GeneratedRegex(@"^(?<province>[0-9]{2})\s*-?\s*(?<series>[A-Z]{1,2}|[A-Z][0-9])\s*-?\s*(?<number>[0-9]{4,5}|[0-9]{3}\.[0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex VietnamesePlate();

    [GeneratedRegex(@"^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]\s*[-·.]?\s*[A-Z]\s*[-·.]?\s*(?<serial>[A-HJ-NP-Z0-9]{4}挂|[A-HJ-NP-Z0-9]{5,6})$", RegexOptions.CultureInvariant)]
    private static partial Regex ChinesePlate();
}
