using BorderGate.Actors.Hosting;
using BorderGate.Actors.Storage;
using System.Text.Json.Serialization;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Live;
using BorderGate.Devices.Endpoint;
using BorderGate.Grains.Gate;
using BorderGate.Silo.Api;
using BorderGate.Silo.Auth;
using BorderGate.Silo.Hosting;
using BorderGate.Silo.Live;

// `hash-password`: reads a password on standard input and prints its hash for BorderGate:Auth:Users:{name}:PasswordHash.
if (args is ["hash-password", ..])
{
    return PasswordCommand.Run(Console.In, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
var siloOptions = builder.Services.AddSiloStorage(builder.Configuration);
var site = builder.Services.AddCrossingServices(builder.Configuration);
builder.Services.AddSingleton(site);
builder.Services.AddSimulation(builder.Configuration);
builder.Services.AddActorRuntime(runtime => runtime
    .AddGrainAssembly(typeof(Program).Assembly)
    .AddGrainAssembly(typeof(ITruckGrain).Assembly)
    .AddGrainAssembly(typeof(GateGrain).Assembly)
    .UseSiloCluster(siloOptions));
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
builder.Services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
builder.Services.AddOptions<LiveOptions>().Bind(builder.Configuration.GetSection(LiveOptions.SectionName))
    .Validate(o => o.ChangeBatchWindow >= TimeSpan.Zero && o.ChangeBatchWindow <= TimeSpan.FromSeconds(1), $"{LiveOptions.SectionName}:ChangeBatchWindow must be between 0 and 1 second.")
    .ValidateOnStart();
builder.Services.AddSingleton<LiveFollowers>();
builder.Services.AddSingleton<EquipmentTicker>();
builder.Services.AddSingleton<DriverFollowers>();
builder.Services.AddSingleton<DriverStatuses>();
builder.Services.AddBorderGateAuth(builder.Configuration);
builder.Services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecurityScheme>());

var app = builder.Build();

// `migrate`: apply the storage schema scripts and exit (also applied at every start).
if (args.Contains("migrate", StringComparer.Ordinal))
{
    foreach (var initializer in app.Services.GetServices<IStorageInitializer>())
    {
        await initializer.InitializeAsync(CancellationToken.None);
    }

    app.Logger.LogInformation("Storage schema is up to date");
    return 0;
}

app.Lifetime.ApplicationStarted.Register(() =>
    app.Services.GetRequiredService<SiloStatus>().MarkStarted(app.Services.GetRequiredService<TimeProvider>()));
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseForwardedHeaders(); // only from BorderGate:Auth:KnownProxies
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapDeviceEndpoint().AllowAnonymous(); // devices authenticate in the protocol, each with its own key
var api = app.MapGroup("/api");
api.AddEndpointFilter<ClusterUnavailableFilter>(); // a silo overloaded or failing over: 503 with Retry-After
api.MapAuthApi();
api.MapTripsApi();
api.MapTrucksApi();
api.MapCrossingApi();
api.MapFeedApi();
api.MapRouteApi();
api.MapDriverApi();
// A connection ends when its token does (a shift's, a trip's): the page signs in again and resumes.
app.MapHub<CrossingHub>(CrossingHubRoutes.Path, o => o.CloseOnAuthenticationExpiration = true);
app.MapHub<DriverHub>(DriverHubRoutes.Path, o => o.CloseOnAuthenticationExpiration = true);
app.MapOpenApi().AllowAnonymous();
app.MapGet("/", (ActorRuntime runtime, SiloStatus status) => TypedResults.Content(UpPage.Render(runtime, status), "text/html; charset=utf-8")).AllowAnonymous();
await app.RunAsync();

// Fenced off its cluster (declared dead, or its lease lost): the process ends in failure, so that its supervisor starts it
// again as a new incarnation.
if (app.Services.GetRequiredService<ActorRuntime>().FencedReason is { } fenced)
{
    app.Logger.LogCritical("Silo exits: fenced off its cluster ({Reason})", fenced);
    return 3;
}

return 0;

/// <summary>Entry point, visible to functional tests.</summary>
public partial class Program;
