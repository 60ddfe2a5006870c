using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text.Json;
using BorderGate.Contracts.Auth;
using BorderGate.Contracts.Live;
using BorderGate.Silo.Auth;
using BorderGate.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BorderGate.Silo.Tests;

/// <summary>
/// Who may do what, as a matrix over the real host on a real socket: nobody, a driver (of truck A, of truck B), a company
/// (A's, another), an operator and a supervisor, each against every kind of endpoint and both hubs.
/// </summary>
public sealed class AuthMatrixTests : IAsyncLifetime
{
    private const string PlateA = "29C60001";
    private const string PlateB = "29C60002";
    private const string CompanyA = TestDeclarations.Company;
    private const string CompanyB = "cn-other-co";
    private const string DeclarationB = "305222222222";

    private readonly Dictionary<string, string?> _tokens = new(StringComparer.Ordinal);
    private KestrelSilo _silo = null!;

    /// <summary>The principals of the matrix, in its columns' order.</summary>
    public static readonly string[] Who = ["anonymous", "driver A", "driver B", "company A", "company B", "operator", "supervisor"];

    public async Task InitializeAsync()
    {
        _silo = new KestrelSilo();
        Assert.Equal(HttpStatusCode.Created, (await _silo.Company(CompanyA).PostAsJsonAsync("/api/trips", TestDeclarations.Declaration(PlateA))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await _silo.Company(CompanyB).PostAsJsonAsync("/api/trips", TestDeclarations.Declaration(PlateB, container: "MSKU9070323", company: CompanyB, declaration: DeclarationB))).StatusCode);
        _tokens["anonymous"] = null;
        _tokens["driver A"] = await _silo.DriverTokenAsync(PlateA);
        _tokens["driver B"] = await _silo.DriverTokenAsync(PlateB, DeclarationB);
        _tokens["company A"] = await _silo.CompanyTokenAsync(CompanyA);
        _tokens["company B"] = await _silo.CompanyTokenAsync(CompanyB);
        _tokens["operator"] = await _silo.OperatorTokenAsync(DevelopmentCredentials.OperatorName);
        _tokens["supervisor"] = await _silo.OperatorTokenAsync(DevelopmentCredentials.SupervisorName);
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    /// <summary>Each row: a request, then the status each principal gets (anonymous, driver A, driver B, company A, company B, operator, supervisor).</summary>
    public static TheoryData<string, string, int[]> Requests => new()
    {
        { "GET", "/api/crossing", [401, 403, 403, 403, 403, 200, 200] },
        { "GET", "/api/crossing/yard", [401, 403, 403, 403, 403, 200, 200] },
        { "GET", "/api/crossing/route", [401, 403, 403, 403, 403, 200, 200] },
        { "GET", "/api/crossing/layout", [401, 403, 403, 403, 403, 200, 200] },
        { "GET", "/api/crossing/devices/bar-lane-1", [401, 403, 403, 403, 403, 200, 200] },
        { "POST", "/api/crossing/dispatch", [401, 403, 403, 403, 403, 204, 204] },
        { "POST", "/api/crossing/lanes/lane-6/open", [401, 403, 403, 403, 403, 204, 204] },
        { "POST", "/api/crossing/trucks/29C69999/hold", [401, 403, 403, 403, 403, 409, 409] },
        { "POST", "/api/crossing/devices/bar-lane-1/clear-fault", [401, 403, 403, 403, 403, 403, 204] },
        { "GET", $"/api/trucks/{PlateA}", [401, 403, 403, 403, 403, 200, 200] },
        { "GET", $"/api/trucks/{PlateA}/status", [401, 200, 403, 200, 404, 200, 200] },
        { "GET", $"/api/trucks/{PlateB}/status", [401, 403, 200, 404, 200, 200, 200] },
        { "GET", $"/api/companies/{CompanyA}/trucks", [401, 403, 403, 200, 403, 200, 200] },
        { "GET", $"/api/companies/{CompanyA}/trips", [401, 403, 403, 200, 403, 200, 200] },
        { "GET", $"/api/companies/{CompanyA}/alerts", [401, 403, 403, 200, 403, 200, 200] },
        { "GET", "/api/driver/status", [401, 200, 200, 403, 403, 403, 403] },
        { "POST", "/api/trips", [401, 403, 403, 201, 403, 403, 403] },
        { "GET", "/api/crossing/site", [200, 200, 200, 200, 200, 200, 200] },
        { "GET", "/health", [200, 200, 200, 200, 200, 200, 200] },
        { "GET", "/openapi/v1.json", [200, 200, 200, 200, 200, 200, 200] },
        { "GET", "/control-room/", [200, 200, 200, 200, 200, 200, 200] },
        { "GET", "/driver/", [200, 200, 200, 200, 200, 200, 200] },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Endpoint_AnswersEachPrincipal_AsTheMatrixSays(string method, string path, int[] expected)
    {
        var actual = new List<int>();
        for (var i = 0; i < Who.Length; i++)
        {
            using var client = Client(Who[i]);
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method == "POST")
            {
                // A new truck per principal for a declaration (only company A's passes); a reason for the operators' actions.
                request.Content = JsonContent.Create(path == "/api/trips"
                    ? TestDeclarations.Declaration($"29C6{i:D4}", company: CompanyA)
                    : new { reason = "matrix" });
            }

            using var response = await client.SendAsync(request);
            actual.Add((int)response.StatusCode);
        }

        Assert.True(expected.SequenceEqual(actual), $"{method} {path}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}] for [{string.Join(", ", Who)}]");
    }

    /// <summary>What a driver's and a company's answers hold: their own truck only, never another's.</summary>
    [Fact]
    public async Task DriverAndCompany_SeeTheirOwnTrucksOnly()
    {
        using var driverA = Client("driver A");
        Assert.Equal(PlateA, (await driverA.GetFromJsonAsync<JsonElement>("/api/driver/status")).GetProperty("plate").GetString());
        using var driverB = Client("driver B");
        Assert.Equal(PlateB, (await driverB.GetFromJsonAsync<JsonElement>("/api/driver/status")).GetProperty("plate").GetString());

        using var companyA = Client("company A");
        var trucks = await companyA.GetFromJsonAsync<JsonElement>($"/api/companies/{CompanyA}/trucks");
        Assert.Contains(trucks.EnumerateArray(), t => t.GetProperty("plate").GetString() == PlateA);
        Assert.DoesNotContain(trucks.EnumerateArray(), t => t.GetProperty("plate").GetString() == PlateB);

        // A company declaring a truck that is on another company's trip learns only that it is busy (not the trip, whose id
        // once carried the declaration number that opens the truck to its driver).
        using var companyB = Client("company B");
        var busy = await companyB.PostAsJsonAsync("/api/trips", TestDeclarations.Declaration(PlateA, company: CompanyB));
        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        var said = await busy.Content.ReadAsStringAsync();
        Assert.Contains($"Truck {PlateA} already has a trip under way.", said, StringComparison.Ordinal);
        Assert.DoesNotContain(TestDeclarations.Number, said, StringComparison.Ordinal);
        Assert.DoesNotContain("Booked", said, StringComparison.Ordinal);
        var own = await companyA.PostAsJsonAsync("/api/trips", TestDeclarations.Declaration(PlateA, company: CompanyA));
        Assert.Contains("(Booked)", await own.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var trips = await companyA.GetFromJsonAsync<JsonElement>($"/api/companies/{CompanyA}/trips");
        Assert.All(trips.EnumerateArray(), t => Assert.DoesNotContain(TestDeclarations.Number, t.GetProperty("tripId").GetString(), StringComparison.Ordinal));

        // A company declaring for another is refused, and says why.
        var forOther = await companyA.PostAsJsonAsync("/api/trips", TestDeclarations.Declaration("29C61111", company: CompanyB));
        Assert.Equal(HttpStatusCode.Forbidden, forOther.StatusCode);
        Assert.Contains($"Signed in as company {CompanyA}: it cannot declare trips of company {CompanyB}", await forOther.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>The control room's hub is the operators'; the drivers' hub is the drivers'.</summary>
    [Theory]
    [InlineData(CrossingHubRoutes.Path, "anonymous", 401)]
    [InlineData(CrossingHubRoutes.Path, "driver A", 403)]
    [InlineData(CrossingHubRoutes.Path, "company A", 403)]
    [InlineData(DriverHubRoutes.Path, "anonymous", 401)]
    [InlineData(DriverHubRoutes.Path, "company A", 403)]
    [InlineData(DriverHubRoutes.Path, "operator", 403)]
    public async Task Hub_RefusesWhomItIsNotFor(string hub, string who, int status)
    {
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => HubTestClient.ConnectAsync(new Uri(_silo.BaseAddress, hub), _tokens[who]));
        Assert.Contains($"'{status}'", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>On the control room's hub an operator acts, but returning equipment to service is a supervisor's.</summary>
    [Fact]
    public async Task ControlRoomHub_ReturningEquipmentToService_IsASupervisorsAction()
    {
        await using var operatorHub = await HubTestClient.ConnectAsync(new Uri(_silo.BaseAddress, CrossingHubRoutes.Path), _tokens["operator"]);
        await operatorHub.InvokeAsync("Dispatch", []);
        var refused = await Assert.ThrowsAsync<HubCallException>(() => operatorHub.InvokeAsync("ClearFault", ["bar-lane-1"]));
        Assert.Contains("unauthorized", refused.Message, StringComparison.OrdinalIgnoreCase);

        await using var supervisorHub = await HubTestClient.ConnectAsync(new Uri(_silo.BaseAddress, CrossingHubRoutes.Path), _tokens["supervisor"]);
        await supervisorHub.InvokeAsync("ClearFault", ["bar-lane-1"]);
        var unknown = await Assert.ThrowsAsync<HubCallException>(() => supervisorHub.InvokeAsync("ClearFault", ["no-such-device"]));
        Assert.Contains("has no device 'no-such-device'", unknown.Message, StringComparison.Ordinal);
    }

    /// <summary>A driver's hub follows the truck its token was signed in for, whatever else it asks.</summary>
    [Fact]
    public async Task DriversHub_FollowsTheSignedInTruck()
    {
        await using var phone = await HubTestClient.ConnectAsync(new Uri(_silo.BaseAddress, DriverHubRoutes.Path), _tokens["driver B"]);
        var status = await phone.InvokeAsync(DriverHubRoutes.Follow, []);
        Assert.Equal(PlateB, status.GetProperty("plate").GetString());
    }

    [Fact]
    public async Task ForgedOrForeignTokens_AreRefused()
    {
        var genuine = _tokens["supervisor"]!;
        var parts = genuine.Split('.');

        // The payload changed (a driver made supervisor) under the original signature.
        var payload = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64UrlEncoder.Decode(_tokens["driver A"]!.Split('.')[1]))!;
        var promoted = JsonSerializer.Serialize(payload.ToDictionary(p => p.Key, p => p.Key == "role" ? (object)new[] { "supervisor" } : p.Value));
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(promoted)}.{_tokens["driver A"]!.Split('.')[2]}";

        // Signed with another key; unsigned ("alg": "none").
        var foreign = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "bordergate",
            Audience = "bordergate",
            Claims = new Dictionary<string, object> { ["sub"] = "mallory", ["name"] = "mallory", ["role"] = new[] { "supervisor" } },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(new byte[32]), SecurityAlgorithms.HmacSha256),
        });
        var unsigned = $"{Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{parts[1]}.";

        // The right key, but another issuer, another audience, or another algorithm (HS512).
        var key = _silo.Services.GetRequiredService<TokenKeys>().SigningKey;
        string Signed(string issuer, string audience, string algorithm) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = new Dictionary<string, object> { ["sub"] = "mallory", ["name"] = "mallory", ["role"] = new[] { "supervisor" } },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
        Assert.Equal(HttpStatusCode.OK, (await _silo.WithToken(Signed("bordergate", "bordergate", SecurityAlgorithms.HmacSha256)).GetAsync(new Uri("/api/crossing", UriKind.Relative))).StatusCode);

        foreach (var token in new[]
                 {
                     tampered, foreign, unsigned, "not-a-token",
                     Signed("someone-else", "bordergate", SecurityAlgorithms.HmacSha256),
                     Signed("bordergate", "another-app", SecurityAlgorithms.HmacSha256),
                     HmacSha512(parts[1], key.Key),
                 })
        {
            using var client = _silo.WithToken(token);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/api/crossing", UriKind.Relative))).StatusCode);
        }
    }

    /// <summary>A token with a genuine payload, signed by hand with the right key but HMAC-SHA512 (only HS256 is accepted).</summary>
    private static string HmacSha512(string payload, byte[] key)
    {
        var header = Base64UrlEncoder.Encode("{\"alg\":\"HS512\",\"typ\":\"JWT\"}");
        var signature = System.Security.Cryptography.HMACSHA512.HashData(key, System.Text.Encoding.ASCII.GetBytes($"{header}.{payload}"));
        return $"{header}.{payload}.{Base64UrlEncoder.Encode(signature)}";
    }

    private HttpClient Client(string who) => _tokens[who] is { } token ? _silo.WithToken(token) : new HttpClient { BaseAddress = _silo.BaseAddress };
}

/// <summary>Signing in: configured accounts, development accounts, guessing slowed down, tokens that expire, bad settings refused.</summary>
public sealed class SignInTests
{
    private const string Password = "correct horse battery staple";
    private const string CompanyKey = "k3y-of-the-fruit-company-0123456789";

    /// <summary>A production-like silo: a signing key, one operator and one company configured, no development accounts.</summary>
    private static Dictionary<string, string?> Configured(int failedPerMinute = 10) => new()
    {
        ["BorderGate:Auth:SigningKey"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()),
        ["BorderGate:Auth:Users:ana:PasswordHash"] = PasswordHashes.Hash(Password, iterations: 1_000),
        ["BorderGate:Auth:Users:ana:Roles:0"] = "operator",
        ["BorderGate:Auth:Users:ana:DisplayName"] = "Ana Nguyen",
        ["BorderGate:Auth:Companies:vn-fruit-co:KeyHash"] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(CompanyKey))),
        ["BorderGate:Auth:FailedSignInsPerMinute"] = failedPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task ConfiguredAccounts_SignIn_AndDevelopmentAccountsDoNot()
    {
        await using var silo = new KestrelSilo(Configured());

        using var ana = await silo.Anonymous.PostAsJsonAsync(SignInRoutes.Operator, new OperatorSignIn("ana", Password));
        var signedIn = await ana.Content.ReadFromJsonAsync<SignedIn>();
        Assert.Equal(HttpStatusCode.OK, ana.StatusCode);
        Assert.Equal("Ana Nguyen", signedIn!.Name);
        Assert.Equal(["operator"], signedIn.Roles);
        Assert.Equal("Bearer", signedIn.TokenType);
        Assert.InRange(signedIn.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromHours(11.9), TimeSpan.FromHours(12));
        using (var client = silo.WithToken(signedIn.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/crossing", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/crossing/devices/bar-lane-1/clear-fault", new { })).StatusCode);
        }

        using var company = await silo.Anonymous.PostAsJsonAsync(SignInRoutes.Company, new CompanySignIn("vn-fruit-co", CompanyKey));
        Assert.Equal(HttpStatusCode.OK, company.StatusCode);

        foreach (var refused in new object[]
                 {
                     new OperatorSignIn("ana", "wrong password"),
                     new OperatorSignIn("nobody", Password),
                     new OperatorSignIn("supervisor", TestAuth.Secret),
                 })
        {
            using var response = await silo.Anonymous.PostAsJsonAsync(SignInRoutes.Operator, refused);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("The user name and password do not match.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var wrongKey = await silo.Anonymous.PostAsJsonAsync(SignInRoutes.Company, new CompanySignIn("vn-fruit-co", "guess"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        using var developmentKey = await silo.Anonymous.PostAsJsonAsync(SignInRoutes.Company, new CompanySignIn("cn-co", TestAuth.CompanyKey("cn-co")));
        Assert.Equal(HttpStatusCode.Unauthorized, developmentKey.StatusCode);
        using var malformed = await silo.Anonymous.PostAsync(new Uri(SignInRoutes.Operator, UriKind.Relative), new StringContent("{\"username\":", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    /// <summary>
    /// Past the allowance of failures a minute, an address is answered 429 for that kind of sign-in (even with the right
    /// password) until the minute is over; other kinds of sign-in from it go on (a driver's typos lock no operator out).
    /// </summary>
    [Fact]
    public async Task RepeatedFailures_AreThrottledForAMinute_PerKind_ThenSignInWorksAgain()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var silo = new KestrelSilo(Configured(failedPerMinute: 3), services => services.AddSingleton(new AuthClock(clock)));

        for (var i = 0; i < 3; i++)
        {
            using var wrong = await silo.Anonymous.PostAsJsonAsync(SignInRoutes.Operator, new OperatorSignIn("ana", $"guess {i}"));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var throttled = await silo.Anonymous.PostAsJsonAsync(SignInRoutes.Operator, new OperatorSignIn("ana", Password));
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal("60", throttled.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("Too many failed sign-ins from this address", await throttled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var company = await silo.Anonymous.PostAsJsonAsync(SignInRoutes.Company, new CompanySignIn("vn-fruit-co", CompanyKey));
        Assert.Equal(HttpStatusCode.OK, company.StatusCode);

        clock.Advance(TimeSpan.FromSeconds(61));
        using var again = await silo.Anonymous.PostAsJsonAsync(SignInRoutes.Operator, new OperatorSignIn("ana", Password));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    /// <summary>Behind a known proxy each forwarded client has its own allowance; from anyone else the header is ignored.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ForwardedClients_AreCountedApart_OnlyBehindAKnownProxy(bool proxyKnown)
    {
        var settings = Configured(failedPerMinute: 2);
        if (proxyKnown)
        {
            settings["BorderGate:Auth:KnownProxies:0"] = "127.0.0.1";
        }

        await using var silo = new KestrelSilo(settings);
        async Task<HttpStatusCode> SignInFrom(string client, string password)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, SignInRoutes.Operator) { Content = JsonContent.Create(new OperatorSignIn("ana", password)) };
            request.Headers.Add("X-Forwarded-For", client);
            using var response = await silo.Anonymous.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await SignInFrom("203.0.113.5", "guess 1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInFrom("203.0.113.5", "guess 2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SignInFrom("203.0.113.5", Password));
        Assert.Equal(proxyKnown ? HttpStatusCode.OK : HttpStatusCode.TooManyRequests, await SignInFrom("203.0.113.6", Password));
    }

    /// <summary>Guesses sent all at once are counted as they come: no more than the allowance is checked.</summary>
    [Fact]
    public async Task GuessesSentAllAtOnce_AreCountedAsTheyCome()
    {
        await using var silo = new KestrelSilo(Configured(failedPerMinute: 3));

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
        {
            using var response = await silo.Anonymous.PostAsJsonAsync(SignInRoutes.Driver, new DriverSignIn("29C12345", $"3050000000{i:D2}"));
            return response.StatusCode;
        }));

        Assert.Equal(3, answers.Count(a => a == HttpStatusCode.Unauthorized));
        Assert.Equal(27, answers.Count(a => a == HttpStatusCode.TooManyRequests));
    }

    /// <summary>
    /// Sign-ins that succeed are not limited however many come at once from one address (drivers behind one gateway):
    /// beyond the allowance they wait for those being checked instead of being refused; a guess among them still counts.
    /// </summary>
    [Fact]
    public async Task SignInsSentAllAtOnce_ThatSucceed_AreAllAdmitted()
    {
        await using var silo = new KestrelSilo(Configured(failedPerMinute: 3));

        var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            using var response = await silo.Anonymous.PostAsJsonAsync(SignInRoutes.Company, new CompanySignIn("vn-fruit-co", i == 5 ? "a guess" : CompanyKey));
            return response.StatusCode;
        }));

        Assert.Equal(23, answers.Count(a => a == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.Unauthorized, answers[5]);
        for (var i = 0; i < 2; i++)
        {
            using var wrong = await silo.Anonymous.PostAsJsonAsync(SignInRoutes.Company, new CompanySignIn("vn-fruit-co", "another guess"));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var throttled = await silo.Anonymous.PostAsJsonAsync(SignInRoutes.Company, new CompanySignIn("vn-fruit-co", CompanyKey));
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
    }

    /// <summary>A token is accepted until it expires on the auth clock (30 s of skew allowed), then refused; signing in again gives a fresh one.</summary>
    [Fact]
    public async Task Tokens_ExpireOnTheAuthClock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var silo = new KestrelSilo(services: services => services.AddSingleton(new AuthClock(clock)));
        using var client = silo.WithToken(await silo.OperatorTokenAsync(DevelopmentCredentials.OperatorName));

        clock.Advance(TimeSpan.FromHours(12) - TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/crossing/kpis", UriKind.Relative))).StatusCode);
        clock.Advance(TimeSpan.FromMinutes(2));
        using var expired = await client.GetAsync(new Uri("/api/crossing/kpis", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("invalid_token", expired.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        using var fresh = silo.WithToken(await silo.OperatorTokenAsync(DevelopmentCredentials.OperatorName));
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync(new Uri("/api/crossing/kpis", UriKind.Relative))).StatusCode);
    }

    /// <summary>The crossing's feed (server-sent events) lasts as long as the token that opened it.</summary>
    [Fact]
    public async Task Feed_EndsWhenItsTokenExpires()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var silo = new KestrelSilo(services: services => services.AddSingleton(new AuthClock(clock)));
        using var client = silo.WithToken(await silo.OperatorTokenAsync(DevelopmentCredentials.OperatorName));
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var feed = await BorderGate.Simulation.Play.CrossingFeedReader.OpenAsync(client, silo.BaseAddress, after: null, cancel.Token);
        var reading = Task.Run(async () =>
        {
            await foreach (var _ in feed.WithCancellation(cancel.Token))
            {
            }
        });

        clock.Advance(TimeSpan.FromHours(11));
        await Task.Delay(200);
        Assert.False(reading.IsCompleted, "the feed is open while its token is valid");
        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await reading.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("BorderGate:Auth:DevelopmentSecret", null, "BorderGate:Auth:SigningKey is not set")]
    [InlineData("BorderGate:Auth:SigningKey", "c2hvcnQ=", "BorderGate:Auth:SigningKey must be base64 of at least 32 random bytes")]
    [InlineData("BorderGate:Auth:Users:bob:PasswordHash", "plain-text-password", "BorderGate:Auth:Users:bob:PasswordHash is missing or not a hash")]
    [InlineData("BorderGate:Auth:Users:ana:Roles:0", "admin", "BorderGate:Auth:Users:ana:Roles must name 'operator' and/or 'supervisor'")]
    [InlineData("BorderGate:Auth:Companies:x:KeyHash", "abc", "BorderGate:Auth:Companies:x:KeyHash must be the SHA-256")]
    [InlineData("BorderGate:Auth:OperatorTokenLifetime", "00:00:00", "BorderGate:Auth:OperatorTokenLifetime must be more than zero")]
    [InlineData("BorderGate:Auth:FailedSignInsPerMinute", "0", "BorderGate:Auth:FailedSignInsPerMinute must be at least 1")]
    [InlineData("BorderGate:Auth:KnownProxies:0", "proxy.example", "BorderGate:Auth:KnownProxies: 'proxy.example' is not an IP address")]
    public async Task BadAuthSettings_RefuseToStart_NamingTheSetting(string key, string? value, string expected)
    {
        var settings = key == "BorderGate:Auth:DevelopmentSecret"
            ? new Dictionary<string, string?> { ["BorderGate:Storage"] = "Memory", ["BorderGate:Auth:Issuer"] = "bordergate" }
            : new Dictionary<string, string?>(Configured()) { ["BorderGate:Storage"] = "Memory", [key] = value };
        await using var silo = new SiloFactory(settings);

        var error = silo.StartFailure();
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevelopmentAccounts_AreRefusedOutsideDevelopment()
    {
        await using var silo = new SiloFactory(new Dictionary<string, string?>
        {
            ["BorderGate:Storage"] = "Memory",
            ["environment"] = "Production",
            ["BorderGate:Auth:DevelopmentSecret"] = "leaked",
        });

        var error = silo.StartFailure();
        Assert.Contains("BorderGate:Auth:DevelopmentSecret is set outside the Development environment (here: Production)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HashPassword_PrintsAHashThatVerifies_AndRefusesAShortPassword()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, PasswordCommand.Run(new StringReader(Password + "\n"), output, error));
        var hash = output.ToString().Trim();
        Assert.StartsWith($"pbkdf2-sha256${PasswordHashes.DefaultIterations}$", hash, StringComparison.Ordinal);
        Assert.True(PasswordHashes.Verify(Password, hash));
        Assert.False(PasswordHashes.Verify(Password + "!", hash));
        Assert.NotEqual(hash, PasswordHashes.Hash(Password)); // salted

        Assert.Equal(2, PasswordCommand.Run(new StringReader("short\n"), output, error));
        Assert.Contains("at least 12 characters", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ClaimsOf_ReadTheRolesAndTheirSubjects()
    {
        var driver = new ClaimsPrincipal(new ClaimsIdentity([new Claim("role", Roles.Driver), new Claim(BorderGateClaims.Plate, "29C1"), new Claim(BorderGateClaims.Declaration, "305")], "test", "name", "role"));
        Assert.Equal(("29C1", "305"), driver.Driver());
        Assert.False(driver.IsOperator());
        Assert.Null(driver.Company());

        // A company claim without the company role counts for nothing.
        var pretender = new ClaimsPrincipal(new ClaimsIdentity([new Claim(BorderGateClaims.Company, "vn-fruit-co")], "test", "name", "role"));
        Assert.Null(pretender.Company());
        Assert.Null(pretender.Driver());
    }
}
