namespace BorderGate.Actors.Tests.Grains;

public interface ISlowGrain : IGrainWithStringKey
{
    /// <summary>Never completes.</summary>
    Task Hang();

    [ResponseTimeout("00:00:02")]
    Task HangBriefly();

    [AlwaysInterleave]
    Task<string> Ping();
}

public sealed class SlowGrain : Grain, ISlowGrain
{
    private readonly TaskCompletionSource _never = new();

    public Task Hang() => _never.Task;

    public Task HangBriefly() => _never.Task;

    public Task<string> Ping() => Task.FromResult("pong");
}
