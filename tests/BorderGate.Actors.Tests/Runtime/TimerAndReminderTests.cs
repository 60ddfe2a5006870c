using BorderGate.TestSupport;
using BorderGate.Actors.Testing;
using BorderGate.Actors.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Actors.Tests.Runtime;

public sealed class TimerAndReminderTests : IAsyncLifetime
{
    private readonly Probe _probe = new();
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(b => b.UseFakeTime().ConfigureServices(s => s.AddSingleton(_probe)));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Timer_Period_TicksAsTurnsOfTheGrain()
    {
        var grain = _cluster.GrainFactory.GetGrain<ITimerGrain>("ticker");
        await grain.Start(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        for (var i = 1; i <= 5; i++)
        {
            _cluster.TimeProvider.Advance(TimeSpan.FromSeconds(1));
            var expected = i;
            await Wait.WaitUntil(async () => await grain.Ticks() == expected, TimeSpan.FromSeconds(10), $"tick {expected}");
        }

        await grain.StopTimer();
        _cluster.TimeProvider.Advance(TimeSpan.FromSeconds(10));
        await Task.Delay(50);
        Assert.Equal(5, await grain.Ticks());
    }

    [Fact]
    public async Task Timer_TickOutlastingItsPeriod_IsFollowedAtOnce_NotAPeriodAfterItEnded()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        HeldTickGrain.FirstTickHeld["overrun"] = release;
        try
        {
            await _cluster.GrainFactory.GetGrain<IHeldTickGrain>("overrun").Start(TimeSpan.FromMinutes(1));
            _cluster.TimeProvider.Advance(TimeSpan.FromMinutes(1));
            await Wait.WaitUntil(() => Task.FromResult(HeldTickGrain.Ticks.GetValueOrDefault("overrun") == 1), TimeSpan.FromSeconds(10), "the first tick runs");

            // The clock moves on by more than a period while the tick still runs; the next tick is due already.
            _cluster.TimeProvider.Advance(TimeSpan.FromMinutes(5));
        }
        finally
        {
            release.TrySetResult();
        }

        await Wait.WaitUntil(() => Task.FromResult(HeldTickGrain.Ticks.GetValueOrDefault("overrun") == 2), TimeSpan.FromSeconds(10), "the next tick, without the clock moving again");
    }

    [Fact]
    public async Task Timer_DueDuringCall_WaitsForTheCallsTurn()
    {
        var grain = _cluster.GrainFactory.GetGrain<ITimerGrain>("no-overlap");
        await grain.Start(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10));
        var calls = new List<Task<int>>();
        for (var i = 0; i < 50; i++)
        {
            calls.Add(grain.SlowCall(20));
            _cluster.TimeProvider.Advance(TimeSpan.FromMilliseconds(10));
        }

        await Task.WhenAll(calls);
        Assert.True(await grain.Ticks() > 0);
        Assert.Equal(0, await grain.Overlaps());
    }

    [Fact]
    public async Task Reminder_Registered_FiresEveryPeriodAndActivatesTheGrain()
    {
        var grain = _cluster.GrainFactory.GetGrain<IReminderGrain>("remind-me");
        await grain.Register("check-seal", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5));
        Assert.Equal(["check-seal"], await grain.ReminderNames());

        _cluster.TimeProvider.Advance(TimeSpan.FromMinutes(1));
        await Wait.WaitUntil(() => _probe.Count("reminder remind-me check-seal") == 1, TimeSpan.FromSeconds(10), "the first tick");
        _cluster.TimeProvider.Advance(TimeSpan.FromMinutes(5));
        await Wait.WaitUntil(() => _probe.Count("reminder remind-me check-seal") == 2, TimeSpan.FromSeconds(10), "the second tick");
    }

    [Fact]
    public async Task Reminder_RegisteredBeforeRestart_FiresAfterRestart()
    {
        var grain = _cluster.GrainFactory.GetGrain<IReminderGrain>("durable");
        await grain.Register("overnight", TimeSpan.FromHours(1), TimeSpan.FromHours(24));

        await _cluster.RestartAsync();
        Assert.Equal(0, _cluster.Runtime.ActivationCount);

        _cluster.TimeProvider.Advance(TimeSpan.FromHours(1));
        await Wait.WaitUntil(() => _probe.Count("reminder durable overnight") == 1, TimeSpan.FromSeconds(10), "the reminder fired after the restart");
    }

    [Fact]
    public async Task Reminder_Unregistered_NoLongerFires()
    {
        var grain = _cluster.GrainFactory.GetGrain<IReminderGrain>("cancelled");
        await grain.Register("r", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        await grain.Unregister("r");
        _cluster.TimeProvider.Advance(TimeSpan.FromMinutes(3));
        await Task.Delay(50);
        Assert.Equal(0, _probe.Count("reminder cancelled r"));
        Assert.Empty(await grain.ReminderNames());
    }

    [Fact]
    public async Task Reminder_GrainNotRemindable_ThrowsClearError()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _cluster.GrainFactory.GetGrain<INotRemindableGrain>("n").Register());
        Assert.Contains("IRemindable", error.Message, StringComparison.Ordinal);
    }
}
