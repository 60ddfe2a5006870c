using BorderGate.Actors.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace BorderGate.Silo.Hosting;

/// <summary>What every BorderGate process wires the same way: telemetry, structured logs, health endpoints.</summary>
internal static class ServiceDefaults
{
    public const string ServiceName = "bordergate-silo";
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// OpenTelemetry traces, metrics and logs for the runtime's and ASP.NET Core's sources, exported over OTLP
    /// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; JSON console logs always.
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        var otlpEndpoint = builder.Configuration[OtlpEndpointVariable];
        var exportOtlp = !string.IsNullOrWhiteSpace(otlpEndpoint);
        var resource = ResourceBuilder.CreateDefault().AddService(ServiceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId);

        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        if (exportOtlp)
        {
            builder.Logging.AddOpenTelemetry(o =>
            {
                o.SetResourceBuilder(resource);
                o.IncludeFormattedMessage = true;
                o.AddOtlpExporter();
            });
        }

        var tracing = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(ActorDiagnostics.ActivitySourceName, BorderGate.Grains.Diagnostics.ActivitySourceName, "Microsoft.AspNetCore");
        var metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(ActorDiagnostics.MeterName, BorderGate.Grains.Diagnostics.MeterName, BorderGate.Devices.Endpoint.DeviceEndpointMetrics.MeterName, BorderGate.Silo.Live.LiveFollowers.MeterName, BorderGate.Silo.Auth.SignInGuard.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Authentication", "Microsoft.AspNetCore.Authorization", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections", "System.Runtime");
        if (exportOtlp)
        {
            tracing.AddOtlpExporter();
            metrics.AddOtlpExporter((OtlpExporterOptions _, MetricReaderOptions reader) =>
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 10_000);
        }

        // The providers live as long as the host: DI disposes them (and flushes) at shutdown.
        builder.Services.AddSingleton(tracing.Build()!);
        builder.Services.AddSingleton(metrics.Build()!);
        builder.Services.AddHealthChecks().AddCheck<ActorRuntimeHealthCheck>("grain-runtime", tags: ["ready"]);
        return builder;
    }

    /// <summary><c>/health</c>: ready to serve (runtime started, storage reachable); <c>/alive</c>: the process answers.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health").AllowAnonymous();
        app.MapHealthChecks("/alive", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        return app;
    }
}
