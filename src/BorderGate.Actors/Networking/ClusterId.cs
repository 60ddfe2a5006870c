using System.Text;

namespace BorderGate.Actors.Networking;

/// <summary>The 64-bit hash of a cluster id that the Hello handshake carries (FNV-1a over its UTF-8).</summary>
internal static class ClusterId
{
    public static ulong Hash(string clusterId)
    {
        const ulong offset = 14695981039346656037;
        const ulong prime = 1099511628211;
        var hash = offset;
        foreach (var b in Encoding.UTF8.GetBytes(clusterId))
        {
            hash = (hash ^ b) * prime;
        }

        return hash;
    }
}
