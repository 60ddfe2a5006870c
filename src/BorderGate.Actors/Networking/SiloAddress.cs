using System.Globalization;
using System.Net;

namespace BorderGate.Actors.Networking;

/// <summary>
/// One incarnation of a silo: where it listens and its generation. A restarted silo listens on the same
/// endpoint with a new, larger generation, so frames meant for the old one can be told apart.
/// </summary>
internal sealed record SiloAddress(IPEndPoint Endpoint, long Generation)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Endpoint}@{Generation}");

    /// <summary>Reads <c>ip:port@generation</c>, as <see cref="ToString"/> writes it (membership rows, probes, moved-grain answers).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SiloAddress? silo)
    {
        silo = null;
        var at = text.LastIndexOf('@');
        if (at <= 0
            || !IPEndPoint.TryParse(text[..at], out var endpoint)
            || !long.TryParse(text[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
        {
            return false;
        }

        silo = new SiloAddress(endpoint, generation);
        return true;
    }
}
