using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using BorderGate.Devices.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BorderGate.Devices.Endpoint;

/// <summary>Adds the device endpoint (device protocol v1 over WebSocket) to a host.</summary>
public static class DeviceEndpointExtensions
{
    /// <summary>
    /// Adds the <see cref="DeviceConnectionHub"/> (also as the <see cref="IDeviceLink"/> of device grains), the
    /// configuration-based device key store (unless another <see cref="IDeviceKeyStore"/> is registered) and metrics.
    /// </summary>
    public static IServiceCollection AddDeviceEndpoint(this IServiceCollection services, Action<DeviceEndpointOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<DeviceEndpointOptions>().Configure(configure);
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDeviceKeyStore, ConfigurationDeviceKeyStore>();
        services.TryAddSingleton<DeviceEndpointMetrics>();
        services.TryAddSingleton<DeviceConnectionHub>();
        services.TryAddSingleton<IDeviceLink>(sp => sp.GetRequiredService<DeviceConnectionHub>());
        return services;
    }

    /// <summary>Adds the device endpoint for the crossing of <paramref name="layout"/>: only its devices, of their kinds, may connect.</summary>
    public static IServiceCollection AddDeviceEndpoint(this IServiceCollection services, SiteLayout layout, Action<DeviceEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var known = layout.Devices().ToDictionary(d => d.DeviceId, d => d.Kind, StringComparer.Ordinal);
        return services.AddDeviceEndpoint(options =>
        {
            options.CrossingId = layout.CrossingId;
            options.KnownDevices = known;
            configure?.Invoke(options);
        });
    }

    /// <summary>Adds the WebSockets middleware and maps the device endpoint at its path (<see cref="DeviceEndpointOptions.Path"/>).</summary>
    public static IEndpointConventionBuilder MapDeviceEndpoint(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<DeviceEndpointOptions>>().Value;
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15) });
        return ((IEndpointRouteBuilder)app).Map(options.Path, async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsync("device protocol v1: connect with a WebSocket", context.RequestAborted);
                return;
            }

            var hub = context.RequestServices.GetRequiredService<DeviceConnectionHub>();
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await hub.RunConnectionAsync(socket, context.RequestAborted);
        });
    }
}
