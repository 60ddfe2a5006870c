using System.Diagnostics.CodeAnalysis;

namespace BorderGate.Contracts.Trips;

/// <summary>
/// A Vietnamese e-customs (VNACCS/VCIS) goods declaration number: 12 digits, e.g. "305123456780".
/// </summary>
/// <remarks>
/// Only the format is checked. The 12th digit is assigned by the customs system by a rule it does not
/// publish, so it cannot be verified as a checksum here: a mistyped digit is caught only when the gate
/// looks the number up at customs during the lane check. Spaces, dots and hyphens are dropped. The leading
/// digit is not checked against the trip's direction either: the numbering of declaration types is customs'
/// to change, and a false refusal would stop a truck at the gate.
/// </remarks>
public static class CustomsDeclarationNumber
{
    public const int Length = 12;

    /// <summary>Normalizes <paramref name="text"/> to its 12 digits; false when it is not a declaration number.</summary>
    public static bool TryNormalize([NotNullWhen(true)] string? text, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 32)
        {
            return false;
        }

        Span<char> digits = stackalloc char[Length];
        var count = 0;
        foreach (var c in text)
        {
            if (c is ' ' or '.' or '-')
            {
                continue;
            }

            if (c is < '0' or > '9' || count == Length)
            {
                return false;
            }

            digits[count++] = c;
        }

        if (count != Length)
        {
            return false;
        }

        normalized = new string(digits);
        return true;
    }
}
