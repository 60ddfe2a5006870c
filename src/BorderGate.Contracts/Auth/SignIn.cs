namespace BorderGate.Contracts.Auth;

/// <summary>The sign-in endpoints: each answers a bearer token (<see cref="SignedIn"/>) or 401, and too many failures 429.</summary>
public static class SignInRoutes
{
    /// <summary>Operators and supervisors of the control room: <see cref="OperatorSignIn"/>.</summary>
    public const string Operator = "/api/auth/operator";

    /// <summary>A transport company's systems: <see cref="CompanySignIn"/>.</summary>
    public const string Company = "/api/auth/company";

    /// <summary>A driver, for one truck: <see cref="DriverSignIn"/>.</summary>
    public const string Driver = "/api/auth/driver";
}

/// <summary>The roles a token carries (claim <c>role</c>).</summary>
public static class Roles
{
    /// <summary>Sees the crossing; opens and closes lanes, holds and releases trucks, acknowledges alarms, re-dispatches.</summary>
    public const string Operator = "operator";

    /// <summary>What an operator does, and returns faulted equipment to service.</summary>
    public const string Supervisor = "supervisor";

    /// <summary>Declares its trips; sees its own trucks, trips and declaration alerts.</summary>
    public const string Company = "company";

    /// <summary>Sees one truck: the one whose plate and declaration number signed in.</summary>
    public const string Driver = "driver";
}

/// <summary>The claims BorderGate's tokens carry besides the subject, its name and its roles.</summary>
public static class BorderGateClaims
{
    /// <summary>The company a company token speaks for.</summary>
    public const string Company = "bg_company";

    /// <summary>The truck (normalized plate) a driver token sees.</summary>
    public const string Plate = "bg_plate";

    /// <summary>The declaration number of the trip a driver token sees.</summary>
    public const string Declaration = "bg_declaration";
}

public sealed record OperatorSignIn(string Username, string Password);

/// <param name="CompanyId">The company's account, as in its declarations.</param>
/// <param name="Key">The company's API key.</param>
public sealed record CompanySignIn(string CompanyId, string Key);

/// <param name="Plate">The truck's plate, as printed.</param>
/// <param name="Declaration">The customs declaration number of the truck's current trip.</param>
public sealed record DriverSignIn(string Plate, string Declaration);

/// <summary>A signed-in client's bearer token: send it as <c>Authorization: Bearer …</c>, or as <c>access_token</c> on a hub's URL.</summary>
/// <param name="AccessToken">The token.</param>
/// <param name="TokenType">Always "Bearer".</param>
/// <param name="ExpiresAt">When it stops being accepted; sign in again before.</param>
/// <param name="Name">Who it is: the operator's name, the company, the truck's plate.</param>
/// <param name="Roles">What it may do.</param>
public sealed record SignedIn(string AccessToken, string TokenType, DateTimeOffset ExpiresAt, string Name, IReadOnlyList<string> Roles);

/// <summary>
/// DEVELOPMENT ONLY (<c>BorderGate:Auth:DevelopmentSecret</c>, refused in Production): the accounts a development silo
/// accepts without configuring any — operators <c>operator</c> and <c>supervisor</c> whose password is the secret itself,
/// and every company with the key <see cref="CompanyKey"/> derives — so that the simulation, the tests and a newcomer can
/// sign in. Anyone who knows the secret can act as anyone; a production site configures its accounts.
/// </summary>
public static class DevelopmentCredentials
{
    /// <summary>The configuration key of the development secret.</summary>
    public const string SecretKey = "BorderGate:Auth:DevelopmentSecret";

    /// <summary>The development operator (role operator).</summary>
    public const string OperatorName = "operator";

    /// <summary>The development supervisor (roles supervisor and operator).</summary>
    public const string SupervisorName = "supervisor";

    /// <summary>A company's development API key: HMAC-SHA256(secret, "company:" + id), base64url.</summary>
    public static string CompanyKey(string secret, string companyId)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentException.ThrowIfNullOrEmpty(companyId);
        var mac = System.Security.Cryptography.HMACSHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.UTF8.GetBytes("company:" + companyId));
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
