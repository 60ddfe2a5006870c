using System.Security.Claims;
using BorderGate.Contracts.Auth;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BorderGate.Silo.Auth;

/// <summary>Issues the silo's bearer tokens: JWT, HMAC-SHA256 with <see cref="TokenKeys"/>, on the auth clock (real time, also under a simulated site clock).</summary>
internal sealed class Tokens(IOptions<AuthOptions> options, TokenKeys keys, AuthClock clock)
{
    /// <summary>The claim types the tokens use for names and roles (short JWT names, mapped as they are).</summary>
    public const string NameClaim = "name";
    public const string RoleClaim = "role";

    private readonly AuthOptions _options = options.Value;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials _credentials = new(keys.SigningKey, SecurityAlgorithms.HmacSha256);

    public SignedIn ForOperator(SignedInOperator user) =>
        Issue(user.Username, user.DisplayName, user.Roles, _options.OperatorTokenLifetime, []);

    public SignedIn ForCompany(string companyId) =>
        Issue("company:" + companyId, companyId, [Roles.Company], _options.CompanyTokenLifetime, [new(BorderGateClaims.Company, companyId)]);

    public SignedIn ForDriver(string plate, string declaration) =>
        Issue("driver:" + plate, plate, [Roles.Driver], _options.DriverTokenLifetime, [new(BorderGateClaims.Plate, plate), new(BorderGateClaims.Declaration, declaration)]);

    /// <summary>What the bearer handler checks: this issuer and audience, this key, HS256 only, lifetime on the auth clock.</summary>
    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = _options.Issuer,
        ValidAudience = _options.Issuer,
        IssuerSigningKey = keys.SigningKey,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        NameClaimType = NameClaim,
        RoleClaimType = RoleClaim,
        RequireExpirationTime = true,
        LifetimeValidator = (notBefore, expires, _, _) =>
        {
            var now = clock.Time.GetUtcNow().UtcDateTime;
            return expires is { } end && now < end + Skew && (notBefore is not { } start || now >= start - Skew);
        },
    };

    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    private SignedIn Issue(string subject, string name, IReadOnlyList<string> roles, TimeSpan lifetime, IReadOnlyList<KeyValuePair<string, object>> extra)
    {
        var now = clock.Time.GetUtcNow();
        var expires = now + lifetime;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Sub] = subject,
            [NameClaim] = name,
            [RoleClaim] = roles.ToArray(),
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
        };
        foreach (var (type, value) in extra)
        {
            claims[type] = value;
        }

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Issuer,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = _credentials,
        });
        return new SignedIn(token, "Bearer", expires, name, roles);
    }
}

/// <summary>
/// The clock tokens are issued and checked on: real time (<see cref="TimeProvider.System"/>) even when the crossing runs on a
/// simulated site clock, since people's sessions last real hours; tests replace it to expire tokens without waiting.
/// </summary>
internal sealed class AuthClock(TimeProvider time)
{
    public TimeProvider Time { get; } = time;
}

/// <summary>Reading a signed-in user's claims.</summary>
internal static class ClaimsOf
{
    public static bool IsOperator(this ClaimsPrincipal user) => user.IsInRole(Roles.Operator) || user.IsInRole(Roles.Supervisor);

    public static string? Company(this ClaimsPrincipal user) => user.IsInRole(Roles.Company) ? user.FindFirst(BorderGateClaims.Company)?.Value : null;

    /// <summary>The driver's truck and trip's declaration number, for a driver token; else null.</summary>
    public static (string Plate, string Declaration)? Driver(this ClaimsPrincipal user) =>
        user.IsInRole(Roles.Driver) && user.FindFirst(BorderGateClaims.Plate)?.Value is { Length: > 0 } plate
            && user.FindFirst(BorderGateClaims.Declaration)?.Value is { Length: > 0 } declaration
            ? (plate, declaration)
            : null;

    /// <summary>Who acted, for the records: the operator's shown name.</summary>
    public static string Actor(this ClaimsPrincipal user) => user.Identity?.Name is { Length: > 0 } name ? name : "unknown";
}
