using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;

namespace BorderGate.Silo.Hosting;

/// <summary>
/// Wakes the crossing's gate and booking ledger once the silo has started, so that their clocks (no-shows lapsing,
/// inspections ending, early arrivals becoming eligible) run after a restart without waiting for somebody's call.
/// </summary>
internal sealed partial class CrossingClocks(
    IGrainFactory grains,
    SiteLayout layout,
    IHostApplicationLifetime lifetime,
    ILogger<CrossingClocks> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        }

        try
        {
            // The gate's KPIs read the ledger's count: one call wakes both.
            await grains.GetGrain<IGateGrain>(layout.CrossingId).Kpis().WaitAsync(stoppingToken).ConfigureAwait(false);
            LogAwake(logger, layout.CrossingId);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            // Not fatal: the first call to the gate wakes it as well.
            LogNotAwake(logger, exception, layout.CrossingId);
        }
    }

    [LoggerMessage(1401, LogLevel.Information, "Crossing {Crossing}: gate and booking ledger awake, their clocks running")]
    private static partial void LogAwake(ILogger logger, string crossing);

    [LoggerMessage(1402, LogLevel.Warning, "Crossing {Crossing}: the gate could not be woken at start; its clock runs from its first call")]
    private static partial void LogNotAwake(ILogger logger, Exception exception, string crossing);
}
