using BorderGate.Contracts.Auth;
using BorderGate.Contracts.Live;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BorderGate.Silo.Auth;

/// <summary>The authorization policies, by what they let do.</summary>
internal static class Policies
{
    /// <summary>Operators and supervisors: the crossing's state and the operators' actions.</summary>
    public const string Operators = "operators";

    /// <summary>Supervisors: returning faulted equipment to service.</summary>
    public const string Supervisors = "supervisors";

    /// <summary>A company's systems: declaring trips; (with a check of the company) its trucks, trips and alerts.</summary>
    public const string Companies = "companies";

    /// <summary>A driver's phone: one truck.</summary>
    public const string Drivers = "drivers";
}

internal static class AuthSetup
{
    /// <summary>
    /// Bearer tokens (JWT, the silo's own issuer, <see cref="AuthOptions"/> checked at start), the policies, and the rule that an
    /// endpoint says who may call it: the fallback policy asks for a signed-in user, so an endpoint added without a policy is
    /// closed, not open. Hubs take the token from <c>access_token</c> on their URL (browsers cannot set headers on WebSockets).
    /// </summary>
    public static IServiceCollection AddBorderGateAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.TryAddSingleton(new AuthClock(TimeProvider.System));
        services.AddSingleton<TokenKeys>();
        services.AddSingleton<Tokens>();
        services.AddSingleton<Accounts>();
        services.AddSingleton<SignInGuard>();

        // Behind known reverse proxies, the client is the address they forward (the sign-in throttle counts per client).
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<AuthOptions>>((forwarded, auth) =>
        {
            // No proxy named, no header believed (with empty lists the middleware would believe any sender).
            forwarded.ForwardedHeaders = auth.Value.KnownProxies.Count == 0 ? ForwardedHeaders.None : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in auth.Value.KnownProxies)
            {
                if (System.Net.IPAddress.TryParse(proxy, out var address))
                {
                    forwarded.KnownProxies.Add(address);
                }
            }
        });

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<Tokens>((bearer, tokens) =>
        {
            bearer.MapInboundClaims = false;
            bearer.TokenValidationParameters = tokens.ValidationParameters();
            bearer.Events = new JwtBearerEvents
            {
                OnMessageReceived = context =>
                {
                    var path = context.HttpContext.Request.Path;
                    if ((path.StartsWithSegments(CrossingHubRoutes.Path) || path.StartsWithSegments(DriverHubRoutes.Path))
                        && context.Request.Query["access_token"] is [{ Length: > 0 } token])
                    {
                        context.Token = token;
                    }

                    return Task.CompletedTask;
                },
            };
        });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Operators, p => p.RequireRole(Roles.Operator, Roles.Supervisor))
            .AddPolicy(Policies.Supervisors, p => p.RequireRole(Roles.Supervisor))
            .AddPolicy(Policies.Companies, p => p.RequireRole(Roles.Company).RequireClaim(BorderGateClaims.Company))
            .AddPolicy(Policies.Drivers, p => p.RequireRole(Roles.Driver).RequireClaim(BorderGateClaims.Plate).RequireClaim(BorderGateClaims.Declaration));
        return services;
    }
}
