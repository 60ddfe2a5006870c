using BorderGate.Contracts.Auth;
using Microsoft.Extensions.Options;

namespace BorderGate.Silo.Auth;

/// <summary>
/// <c>BorderGate:Auth</c>: how the silo signs its tokens and whom it lets sign in. Every silo of a cluster must have the
/// same <see cref="SigningKey"/> (a token signed by one is checked by another).
/// </summary>
internal sealed class AuthOptions
{
    public const string SectionName = "BorderGate:Auth";

    /// <summary>The tokens' HMAC-SHA256 key, base64, at least 32 bytes (<c>openssl rand -base64 32</c>). Required unless <see cref="DevelopmentSecret"/> is set.</summary>
    public string? SigningKey { get; set; }

    /// <summary>DEVELOPMENT ONLY, refused in Production: see <see cref="DevelopmentCredentials"/>; also derives the signing key when none is set.</summary>
    public string? DevelopmentSecret { get; set; }

    /// <summary>The tokens' issuer and audience.</summary>
    public string Issuer { get; set; } = "bordergate";

    /// <summary>An operator's token lasts a shift.</summary>
    public TimeSpan OperatorTokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>A company's systems sign in again each hour.</summary>
    public TimeSpan CompanyTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A driver's phone keeps its token for the trip (a day at most; it sees only that trip anyway).</summary>
    public TimeSpan DriverTokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Failed sign-ins allowed from one client address per minute; more are answered 429 until the minute ends.</summary>
    public int FailedSignInsPerMinute { get; set; } = 10;

    /// <summary>
    /// The reverse proxies (IP addresses) in front of the silo whose <c>X-Forwarded-For</c> is believed: the client's
    /// address is then the one they forwarded (the sign-in throttle counts per client). Empty: the header is ignored.
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Operators and supervisors by user name.</summary>
    public Dictionary<string, OperatorAccount> Users { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Companies by account id (as in their declarations).</summary>
    public Dictionary<string, CompanyAccount> Companies { get; set; } = new(StringComparer.Ordinal);

    public bool HasDevelopmentSecret => !string.IsNullOrEmpty(DevelopmentSecret);
}

/// <summary>An operator's account.</summary>
internal sealed class OperatorAccount
{
    /// <summary>From <c>dotnet BorderGate.Silo.dll hash-password</c>: <c>pbkdf2-sha256$iterations$salt$hash</c>.</summary>
    public string? PasswordHash { get; set; }

    /// <summary><c>operator</c> and/or <c>supervisor</c>.</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>The name shown in the control room and written into the actions' records; the user name when unset.</summary>
    public string? DisplayName { get; set; }
}

/// <summary>A company's account.</summary>
internal sealed class CompanyAccount
{
    /// <summary>The SHA-256 of the company's API key, hex (<c>printf %s "$KEY" | sha256sum</c>).</summary>
    public string? KeyHash { get; set; }
}

/// <summary>Refuses a bad <c>BorderGate:Auth</c> at start, naming the setting.</summary>
internal sealed class AuthOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = new List<string>();
        const string Section = AuthOptions.SectionName;
        if (options.HasDevelopmentSecret && !environment.IsDevelopment())
        {
            errors.Add($"{DevelopmentCredentials.SecretKey} is set outside the Development environment (here: {environment.EnvironmentName}): development accounts, and tokens signed with a key anyone can derive, are for development only; configure {Section}:SigningKey, {Section}:Users and {Section}:Companies.");
        }

        if (!string.IsNullOrEmpty(options.SigningKey))
        {
            if (TokenKeys.TryDecode(options.SigningKey) is not { Length: >= TokenKeys.MinimumKeyBytes })
            {
                errors.Add($"{Section}:SigningKey must be base64 of at least {TokenKeys.MinimumKeyBytes} random bytes (openssl rand -base64 32).");
            }
        }
        else if (!options.HasDevelopmentSecret)
        {
            errors.Add($"{Section}:SigningKey is not set: every silo of the crossing needs the same token signing key (base64 of at least {TokenKeys.MinimumKeyBytes} random bytes: openssl rand -base64 32).");
        }

        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            errors.Add($"{Section}:Issuer must not be empty.");
        }

        foreach (var (setting, lifetime) in new[]
                 {
                     ("OperatorTokenLifetime", options.OperatorTokenLifetime),
                     ("CompanyTokenLifetime", options.CompanyTokenLifetime),
                     ("DriverTokenLifetime", options.DriverTokenLifetime),
                 })
        {
            if (lifetime <= TimeSpan.Zero || lifetime > TimeSpan.FromDays(7))
            {
                errors.Add($"{Section}:{setting} must be more than zero and at most 7 days (was {lifetime}).");
            }
        }

        if (options.FailedSignInsPerMinute < 1)
        {
            errors.Add($"{Section}:FailedSignInsPerMinute must be at least 1 (was {options.FailedSignInsPerMinute}).");
        }

        foreach (var proxy in options.KnownProxies)
        {
            if (!System.Net.IPAddress.TryParse(proxy, out _))
            {
                errors.Add($"{Section}:KnownProxies: '{proxy}' is not an IP address.");
            }
        }

        foreach (var (user, account) in options.Users)
        {
            if (!PasswordHashes.IsWellFormed(account.PasswordHash))
            {
                errors.Add($"{Section}:Users:{user}:PasswordHash is missing or not a hash from 'hash-password' (pbkdf2-sha256$iterations$salt$hash).");
            }

            if (account.Roles.Count == 0 || account.Roles.Any(r => r is not (Roles.Operator or Roles.Supervisor)))
            {
                errors.Add($"{Section}:Users:{user}:Roles must name '{Roles.Operator}' and/or '{Roles.Supervisor}' (was '{string.Join(",", account.Roles)}').");
            }
        }

        foreach (var (company, account) in options.Companies)
        {
            if (account.KeyHash is not { Length: 64 } hash || !hash.All(Uri.IsHexDigit))
            {
                errors.Add($"{Section}:Companies:{company}:KeyHash must be the SHA-256 of the company's key, 64 hex digits (printf %s \"$KEY\" | sha256sum).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
