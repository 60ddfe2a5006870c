using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using BorderGate.Contracts.Auth;

namespace BorderGate.Simulation.Play;

/// <summary>Who the simulation signs in as: an operator for watching the crossing, and each company for declaring its trips.</summary>
/// <param name="OperatorName">The operator's user name.</param>
/// <param name="OperatorPassword">Their password.</param>
/// <param name="CompanyKeyFor">Each company's API key.</param>
public sealed record SiloCredentials(string OperatorName, string OperatorPassword, Func<string, string> CompanyKeyFor)
{
    /// <summary>The development accounts of a silo with <see cref="DevelopmentCredentials.SecretKey"/> = <paramref name="secret"/>.</summary>
    public static SiloCredentials Development(string secret) =>
        new(DevelopmentCredentials.SupervisorName, secret, company => DevelopmentCredentials.CompanyKey(secret, company));
}

/// <summary>
/// Signs a client's requests in: as the operator by default, as a company when the request says so
/// (<see cref="AsCompany"/>). Tokens are fetched from the silo's sign-in endpoints on first need, kept, and fetched again a
/// minute before they expire or after the silo answered 401. A request that already carries an Authorization header
/// goes as it is.
/// </summary>
public sealed class SignedInHandler : DelegatingHandler
{
    /// <summary>Set on a request to send it as this company.</summary>
    public static readonly HttpRequestOptionsKey<string> AsCompany = new("bordergate.company");

    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);
    private const string OperatorKey = "operator";

    private readonly Uri _siloUrl;
    private readonly SiloCredentials _credentials;
    private readonly TimeProvider _realTime;
    private readonly ConcurrentDictionary<string, Task<SignedIn>> _tokens = new(StringComparer.Ordinal);

    /// <param name="siloUrl">Where the sign-in endpoints are.</param>
    /// <param name="credentials">Whom to sign in as.</param>
    /// <param name="realTime">The clock tokens expire on (real time, not the site's).</param>
    /// <remarks>Its <see cref="DelegatingHandler.InnerHandler"/> is the caller's to set (or a client factory's to chain).</remarks>
    public SignedInHandler(Uri siloUrl, SiloCredentials credentials, TimeProvider? realTime = null)
    {
        _siloUrl = siloUrl;
        _credentials = credentials;
        _realTime = realTime ?? TimeProvider.System;
    }

    /// <summary>A client for <paramref name="siloUrl"/> whose requests are signed in with <paramref name="credentials"/>.</summary>
    public static HttpClient Client(Uri siloUrl, SiloCredentials credentials, TimeSpan timeout, string? asCompany = null) =>
        new(new SignedInHandler(siloUrl, credentials) { DefaultCompany = asCompany, InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) } })
        {
            BaseAddress = siloUrl,
            Timeout = timeout,
        };

    /// <summary>The company requests go as when they do not say (<see cref="AsCompany"/>); null: the operator.</summary>
    public string? DefaultCompany { get; init; }

    /// <summary>The bearer header for the operator, or for <paramref name="companyId"/> (for a hub's access token, say).</summary>
    public async Task<string> TokenAsync(string? companyId, CancellationToken cancellationToken)
    {
        var key = companyId is null ? OperatorKey : "company:" + companyId;
        while (true)
        {
            var pending = _tokens.GetOrAdd(key, _ => SignInAsync(companyId));
            SignedIn token;
            try
            {
                token = await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch when (!cancellationToken.IsCancellationRequested)
            {
                _tokens.TryRemove(new KeyValuePair<string, Task<SignedIn>>(key, pending));
                throw;
            }

            if (token.ExpiresAt - RenewBefore > _realTime.GetUtcNow())
            {
                return token.AccessToken;
            }

            _tokens.TryRemove(new KeyValuePair<string, Task<SignedIn>>(key, pending));
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is not null)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var company = request.Options.TryGetValue(AsCompany, out var named) ? named : DefaultCompany;
        var token = await TokenAsync(company, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            // Expired early, or the silo's key changed: the next request signs in again.
            foreach (var (key, pending) in _tokens)
            {
                if (pending.IsCompletedSuccessfully && pending.Result.AccessToken == token)
                {
                    _tokens.TryRemove(new KeyValuePair<string, Task<SignedIn>>(key, pending));
                }
            }
        }

        return response;
    }

    /// <summary>Signs in once for everyone waiting (not cancelled by any one of them; bounded by its own timeout).</summary>
    private async Task<SignedIn> SignInAsync(string? companyId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var cancellationToken = timeout.Token;
        using var request = companyId is null
            ? new HttpRequestMessage(HttpMethod.Post, new Uri(_siloUrl, SignInRoutes.Operator)) { Content = JsonContent.Create(new OperatorSignIn(_credentials.OperatorName, _credentials.OperatorPassword)) }
            : new HttpRequestMessage(HttpMethod.Post, new Uri(_siloUrl, SignInRoutes.Company)) { Content = JsonContent.Create(new CompanySignIn(companyId, _credentials.CompanyKeyFor(companyId))) };
        using var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException(
                $"Sign-in as {(companyId is null ? "operator " + _credentials.OperatorName : "company " + companyId)} refused: {(int)response.StatusCode} {text}",
                null,
                response.StatusCode);
        }

        return await response.Content.ReadFromJsonAsync<SignedIn>(CrossingSimulation.Json, cancellationToken).ConfigureAwait(false)
            ?? throw new HttpRequestException("The silo answered an empty sign-in.");
    }
}
