using BorderGate.Contracts.Trips;

namespace BorderGate.Grains.Customs;

/// <summary>
/// A stand-in for the customs risk system: the channel follows from a hash of the declaration number,
/// so the mix is the configured one and the same declaration always gets the same channel.
/// </summary>
public sealed class SimulatedCustomsChannels(double yellowShare = 0.2, double redShare = 0.05) : ICustomsChannels
{
    public ValueTask<CustomsChannel> ChannelOf(string declarationNumber, CargoKind cargo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(declarationNumber);
        var hash = StableHash(declarationNumber);
        var draw = hash / (double)uint.MaxValue;
        var channel = draw < redShare ? CustomsChannel.Red : draw < redShare + yellowShare ? CustomsChannel.Yellow : CustomsChannel.Green;
        return ValueTask.FromResult(channel);
    }

    /// <summary>FNV-1a: stable across processes and runs, unlike string.GetHashCode.</summary>
    internal static uint StableHash(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        // Spread the low-entropy tail of sequential numbers over the whole range.
        hash ^= hash >> 15;
        hash = unchecked(hash * 0x2c1b3c6du);
        hash ^= hash >> 12;
        return hash;
    }
}
