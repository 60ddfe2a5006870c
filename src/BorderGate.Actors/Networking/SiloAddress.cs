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
}
