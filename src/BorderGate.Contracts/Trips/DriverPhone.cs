using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace BorderGate.Contracts.Trips;

/// <summary>Drivers' phone numbers: Vietnamese or Chinese, normalized to E.164 ("+84912345678").</summary>
internal static partial class DriverPhone
{
    public static bool TryNormalize(string text, [NotNullWhen(true)] out string? e164)
    {
        e164 = null;
        var compact = string.Concat(text.Where(c => c is not (' ' or '.' or '-' or '(' or ')')));
        var vietnamese = VietnameseNumber().Match(compact);
        if (vietnamese.Success)
        {
            e164 = "+84" + vietnamese.Groups["subscriber"].Value;
            return true;
        }

        var chinese = ChineseMobile().Match(compact);
        if (chinese.Success)
        {
            e164 = "+86" + chinese.Groups["subscriber"].Value;
            return true;
        }

        return false;
    }

    // Mobiles are 9 digits after the trunk 0 (03x, 05x, 07x, 08x, 09x); landlines 10 digits starting with 2.
    [GeneratedRegex("^(?:\\+84|0084|0)(?<subscriber>[35789][0-9]{8}|2[0-9]{9})$", RegexOptions.CultureInvariant)]
    private static partial Regex VietnameseNumber();

    // Chinese mobiles: 11 digits starting 13–19, the +86 optional (a Vietnamese number never starts with 1).
    // Chinese landlines are not accepted: drivers are reached on their mobiles.
    [GeneratedRegex("^(?:\\+86|0086)?(?<subscriber>1[3-9][0-9]{9})$", RegexOptions.CultureInvariant)]
    private static partial Regex ChineseMobile();
}
