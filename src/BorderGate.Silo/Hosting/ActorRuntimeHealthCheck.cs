using BorderGate.Actors.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BorderGate.Silo.Hosting;

/// <summary>Healthy once the grain runtime has started; reports the activation count.</summary>
internal sealed class ActorRuntimeHealthCheck(ActorRuntime runtime, SiloStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["activations"] = runtime.ActivationCount, ["storage"] = status.StorageKind };
        return Task.FromResult(status.IsStarted
            ? HealthCheckResult.Healthy("The grain runtime is serving.", data)
            : HealthCheckResult.Unhealthy("The grain runtime has not started.", data: data));
    }
}
