using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace BorderGate.Contracts.Trips;

/// <summary>
/// An ISO 6346 freight container number: owner code (3 letters), category (U, J or Z), a 6-digit serial
/// and a check digit, e.g. "CSQU3054383". Parsing accepts lower case and the usual spacing
/// ("MSCU 123456 6", "mscu-123456-6").
/// </summary>
[JsonConverter(typeof(ContainerNumberJsonConverter))]
public sealed record ContainerNumber
{
    private ContainerNumber(string normalized) => Normalized = normalized;

    /// <summary>The 11 characters without separators, upper case.</summary>
    public string Normalized { get; }

    /// <summary>The owner code, e.g. "CSQ".</summary>
    public string OwnerCode => Normalized[..3];

    /// <summary>The equipment category: 'U', 'J' or 'Z'.</summary>
    public char Category => Normalized[3];

    public string Serial => Normalized[4..10];

    public int CheckDigit => Normalized[10] - '0';

    /// <summary>Parses a container number; false when it is malformed or its check digit is wrong.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out ContainerNumber? container) =>
        TryParse(text, out container, out _);

    /// <summary>Parses a container number and says what is wrong with it when it is not valid.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out ContainerNumber? container, out ContainerNumberProblem problem)
    {
        container = null;
        problem = Inspect(text, out var normalized);
        if (problem != ContainerNumberProblem.None)
        {
            return false;
        }

        container = new ContainerNumber(normalized!);
        return true;
    }

    /// <summary>
    /// The check digit of the first ten characters (owner code, category, serial): each character's
    /// value times 2^position, summed, modulo 11; a remainder of 10 gives 0.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="firstTen"/> is not 4 upper-case letters and 6 digits.</exception>
    public static int ComputeCheckDigit(ReadOnlySpan<char> firstTen)
    {
        if (firstTen.Length != 10)
        {
            throw new ArgumentException("Expected 4 letters and 6 digits.", nameof(firstTen));
        }

        var sum = 0;
        for (var i = 0; i < 10; i++)
        {
            var value = i < 4 ? LetterValue(firstTen[i]) : DigitValue(firstTen[i]);
            if (value < 0)
            {
                throw new ArgumentException("Expected 4 letters and 6 digits.", nameof(firstTen));
            }

            sum += value << i;
        }

        return sum % 11 % 10;
    }

    public override string ToString() => Normalized;

    private static ContainerNumberProblem Inspect(string? text, out string? normalized)
    {
        normalized = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 32)
        {
            return ContainerNumberProblem.Format;
        }

        Span<char> chars = stackalloc char[11];
        var count = 0;
        foreach (var c in text)
        {
            if (c is ' ' or '-' or '\t')
            {
                continue;
            }

            if (count == chars.Length)
            {
                return ContainerNumberProblem.Format;
            }

            chars[count++] = c is >= 'a' and <= 'z' ? (char)(c - 'a' + 'A') : c;
        }

        if (count != chars.Length || !IsAsciiLetters(chars[..4]) || !IsAsciiDigits(chars[4..]))
        {
            return ContainerNumberProblem.Format;
        }

        if (chars[3] is not ('U' or 'J' or 'Z'))
        {
            return ContainerNumberProblem.Category;
        }

        if (ComputeCheckDigit(chars[..10]) != chars[10] - '0')
        {
            return ContainerNumberProblem.CheckDigit;
        }

        normalized = new string(chars);
        return ContainerNumberProblem.None;
    }

    // ISO 6346 numbers the letters from A = 10 upwards but skips 11, 22 and 33 (multiples of 11),
    // so that no letter weighs the same as the modulus.
    private static int LetterValue(char c)
    {
        if (c is < 'A' or > 'Z')
        {
            return -1;
        }

        var value = 10;
        for (var letter = 'A'; letter < c; letter++)
        {
            value++;
            if (value % 11 == 0)
            {
                value++;
            }
        }

        return value;
    }

    private static int DigitValue(char c) => c is >= '0' and <= '9' ? c - '0' : -1;

    private static bool IsAsciiLetters(ReadOnlySpan<char> span) => !span.ContainsAnyExceptInRange('A', 'Z');

    private static bool IsAsciiDigits(ReadOnlySpan<char> span) => !span.ContainsAnyExceptInRange('0', '9');
}
