namespace BorderGate.Actors.Tests.Grains;

public interface IChainGrain : IGrainWithStringKey
{
    /// <summary>Calls the next grain of <paramref name="path"/> and returns the keys visited, this one's last.</summary>
    Task<string> Visit(string[] path, int index);
}

public sealed class ChainGrain : Grain, IChainGrain
{
    public async Task<string> Visit(string[] path, int index)
    {
        if (index == path.Length)
        {
            return GrainKey;
        }

        var next = GrainFactory.GetGrain<IChainGrain>(path[index]);
        var rest = await next.Visit(path, index + 1);
        return rest + "<" + GrainKey;
    }
}
