using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;
using BorderGate.Contracts.Trips;
using BorderGate.Devices.Simulation;
using BorderGate.Simulation.Plan;

namespace BorderGate.Simulation.Play;

/// <summary>
/// Plays a <see cref="DayPlan"/> against a running silo through its public interfaces only: declarations and
/// watching over HTTP, everything physical through simulated devices speaking the device protocol. Watches the
/// crossing at <see cref="SimulationOptions.PollInterval"/>, checks the invariants on every snapshot and, at the
/// end, every truck's final state and every export container's whereabouts.
/// </summary>
public sealed partial class CrossingSimulation : IAsyncDisposable
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly HttpClient _http;
    private readonly SiteLayout _layout;
    private readonly TimeProvider _clock;
    private readonly SimulationOptions _options;
    private readonly SimulatedDeviceFleet _fleet;
    private readonly InvariantMonitor _monitor = new();
    private readonly SemaphoreSlim _requests;
    private readonly ConcurrentDictionary<string, ArrivalWindow> _windows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LaneVisit> _visits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _laneOf = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _sightedAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LaneLayout> _lanes;
    private Dictionary<string, PlannedTruck> _planned = new(StringComparer.Ordinal);
    private GateView? _lastGate;
    private YardView? _lastYard;
    private RouteSnapshot? _lastRoute;
    private bool _routeAvailable = true;
    private int _polls;
    private long _feedEvents;
    private int _pendingArrivals;
    private long _nextProgress;

    /// <param name="layout">The site the silo runs (its devices are simulated).</param>
    /// <param name="siteClock">The site clock, running as the silo's does (same speed-up, same start).</param>
    /// <param name="options">How to play.</param>
    public CrossingSimulation(SiteLayout layout, TimeProvider siteClock, SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = SignedInHandler.Client(options.SiloUrl, options.Credentials, TimeSpan.FromSeconds(60));
        _layout = layout;
        _clock = siteClock;
        _options = options;
        _requests = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentRequests));
        _fleet = new SimulatedDeviceFleet(layout, options.KeyFor, siteClock);
        _lanes = layout.Lanes.ToDictionary(l => l.Id, StringComparer.Ordinal);
    }

    /// <summary>The simulated devices (tests inject faults through them).</summary>
    public SimulatedDeviceFleet Fleet => _fleet;

    /// <summary>Plays the day to its end and reports.</summary>
    public async Task<SimulationReport> RunAsync(DayPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var started = Stopwatch.GetTimestamp();
        var siteStart = _clock.GetUtcNow();
        _planned = plan.Trucks.ToDictionary(t => t.Plate, StringComparer.Ordinal);
        await _fleet.ConnectAllAsync(DeviceUri, cancellationToken).ConfigureAwait(false);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // Live from here: the silo has subscribed once the feed's headers arrive, before anything is declared.
        var feed = await CrossingFeedReader.OpenAsync(_http, _options.SiloUrl, after: null, watching.Token).ConfigureAwait(false);
        var follower = FollowFeedAsync(feed, watching.Token);
        Say($"connected {_fleet.Devices.Count} simulated devices and the crossing feed; playing {plan.Trucks.Count} trucks");
        var watcher = WatchAsync(watching.Token);
        FollowVehicles();
        var faults = InjectFaultsAsync(plan, watching.Token);
        _pendingArrivals = plan.Trucks.Count;
        await Task.WhenAll(plan.Trucks.Select(t => PlayTruckAsync(t, cancellationToken))).ConfigureAwait(false);
        Say("every truck has come (or stayed away); waiting for the crossing to settle");
        await SettleAsync(plan, cancellationToken).ConfigureAwait(false);
        await watching.CancelAsync().ConfigureAwait(false);
        await Quietly(watcher).ConfigureAwait(false);
        await Quietly(follower).ConfigureAwait(false);
        await Quietly(faults).ConfigureAwait(false);

        var counts = await CheckFinalStatesAsync(plan, cancellationToken).ConfigureAwait(false);
        var kpis = await GetAsync<GateKpis>("/api/crossing/kpis", cancellationToken).ConfigureAwait(false);
        return new SimulationReport(plan.Trucks.Count, counts, Stopwatch.GetElapsedTime(started), siteStart, _clock.GetUtcNow(), _polls, Interlocked.Read(ref _feedEvents), kpis, _monitor.Violations, _monitor.Notes, _monitor.StepTimes);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return _fleet.DisposeAsync();
    }

    private Uri DeviceUri => new UriBuilder(_options.SiloUrl) { Scheme = _options.SiloUrl.Scheme == "https" ? "wss" : "ws", Path = "/devices/v1" }.Uri;

    private async Task PlayTruckAsync(PlannedTruck truck, CancellationToken cancellationToken)
    {
        try
        {
            if (truck.Declaration is not null)
            {
                await UntilAsync(truck.DeclareAt, cancellationToken).ConfigureAwait(false);
                var window = await DeclareAsync(truck, cancellationToken).ConfigureAwait(false);
                if (window is null)
                {
                    return;
                }

                _windows[truck.Plate] = window;
                if (truck.ArrivalGiven(window.Start, window.End) is not { } arrival)
                {
                    return;
                }

                await UntilAsync(arrival, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await UntilAsync(truck.DesiredArrival, cancellationToken).ConfigureAwait(false);
            }

            _sightedAt[truck.Plate] = _clock.GetUtcNow();
            await _fleet.Get<SimulatedPlateCamera>(_layout.Entrance.PlateCameraId).SightAsync(truck.Plate, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingArrivals);
        }
    }

    private async Task<ArrivalWindow?> DeclareAsync(PlannedTruck truck, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await _requests.WaitAsync(cancellationToken).ConfigureAwait(false);
            HttpResponseMessage response;
            try
            {
                // A company that declares late asks for "now" rather than a moment already past.
                var declaration = truck.Declaration! with { DesiredArrival = Max(truck.DesiredArrival, _clock.GetUtcNow()) };
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_options.SiloUrl, "/api/trips")) { Content = JsonContent.Create(declaration, options: Json) };
                request.Options.Set(SignedInHandler.AsCompany, declaration.CompanyId);
                response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException) when (attempt < 3)
            {
                continue;
            }
            finally
            {
                _requests.Release();
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var body = await response.Content.ReadFromJsonAsync<DeclaredTripBody>(Json, cancellationToken).ConfigureAwait(false);
                    return body?.Window;
                }

                if ((int)response.StatusCode >= 500)
                {
                    // The trip may be booked even though the answer failed (seen: a Location header with a
                    // Chinese plate): the driver's status says so, and a second declaration would conflict.
                    var status = await GetAsync<DriverStatusBody>($"/api/trucks/{Uri.EscapeDataString(truck.Plate)}/status", cancellationToken).ConfigureAwait(false);
                    if (status is { Status: TruckStatus.Booked, Window: { } booked })
                    {
                        _monitor.Note($"POST /api/trips answered {(int)response.StatusCode} but booked the trip");
                        return booked;
                    }

                    if (attempt < 3)
                    {
                        continue;
                    }
                }

                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.BadRequest && attempt < 3 && text.Contains(DeclarationErrorCodes.ArrivalInPast, StringComparison.Ordinal))
                {
                    // "Now" was asked for, but the site clock (thousands of times real time) passed it while the
                    // request waited: a company told its arrival is past asks again for the new "now".
                    _monitor.Note("declaration asked again: the desired arrival had passed while the request waited");
                    continue;
                }

                _monitor.Add($"declaration of {truck.Plate} refused: {(int)response.StatusCode} {Shorten(text)}");
                return null;
            }
        }
    }

    private async Task UntilAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var wait = at - _clock.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<T?> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(_options.SiloUrl, path), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return default;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false);
    }

    private void Say(string line) => _options.Progress?.WriteLine($"[{_clock.GetUtcNow():yyyy-MM-dd HH:mm} site] {line}");

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped at the end of the day.
        }
    }

    /// <summary>A truck called to a lane, as the feed told it (its identity tells one call from the next of the same truck).</summary>
    private sealed class LaneVisit(string plate)
    {
        public string Plate { get; } = plate;

        public bool OnWeighbridge { get; set; }
    }
}
