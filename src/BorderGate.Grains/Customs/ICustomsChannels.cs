using BorderGate.Contracts.Trips;

namespace BorderGate.Grains.Customs;

/// <summary>
/// The customs risk system's channel for a declaration (green / yellow / red). In production this is the
/// e-customs system's answer; the node ships a deterministic stand-in for simulation and tests.
/// </summary>
public interface ICustomsChannels
{
    ValueTask<CustomsChannel> ChannelOf(string declarationNumber, CargoKind cargo, CancellationToken cancellationToken);
}
