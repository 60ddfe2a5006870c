using System.Security.Cryptography;
using System.Text;
using BorderGate.Contracts.Auth;
using Microsoft.Extensions.Options;

namespace BorderGate.Silo.Auth;

/// <summary>Checks operators' passwords and companies' keys against <see cref="AuthOptions"/> (and, in development, the development accounts).</summary>
internal sealed class Accounts(IOptions<AuthOptions> options)
{
    private readonly AuthOptions _options = options.Value;

    /// <summary>The operator, if <paramref name="password"/> is theirs; else null.</summary>
    public SignedInOperator? Operator(string username, string password)
    {
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
        {
            return null;
        }

        if (_options.Users.TryGetValue(username, out var account))
        {
            return PasswordHashes.Verify(password, account.PasswordHash)
                ? new SignedInOperator(username, account.DisplayName is { Length: > 0 } shown ? shown : username, [.. account.Roles.Distinct(StringComparer.Ordinal)])
                : null;
        }

        if (_options.HasDevelopmentSecret && username is DevelopmentCredentials.OperatorName or DevelopmentCredentials.SupervisorName
            && FixedTimeEquals(password, _options.DevelopmentSecret!))
        {
            return username == DevelopmentCredentials.SupervisorName
                ? new SignedInOperator(username, "dev supervisor", [Roles.Supervisor, Roles.Operator])
                : new SignedInOperator(username, "dev operator", [Roles.Operator]);
        }

        // Unknown user: the same work as a wrong password (at the configured hashes' cost), so that timing does not tell which names exist.
        PasswordHashes.Verify(password, _decoy);
        return null;
    }

    /// <summary>True when <paramref name="key"/> is the company's API key.</summary>
    public bool Company(string companyId, string key)
    {
        if (string.IsNullOrEmpty(companyId) || string.IsNullOrEmpty(key))
        {
            return false;
        }

        if (_options.Companies.TryGetValue(companyId, out var account))
        {
            var actual = SHA256.HashData(Encoding.UTF8.GetBytes(key));
            return CryptographicOperations.FixedTimeEquals(actual, Convert.FromHexString(account.KeyHash!));
        }

        if (_options.HasDevelopmentSecret)
        {
            return FixedTimeEquals(key, DevelopmentCredentials.CompanyKey(_options.DevelopmentSecret!, companyId));
        }

        // An unknown company: the same hashing and comparison as a known one, so that timing does not tell which exist.
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), s_decoyKeyHash);
        return false;
    }

    private static readonly byte[] s_decoyKeyHash = SHA256.HashData(Guid.NewGuid().ToByteArray());

    /// <summary>A hash of nothing, at the iterations of the configured accounts' hashes (the default when there are none).</summary>
    private readonly string _decoy = PasswordHashes.Hash(
        "decoy-" + Guid.NewGuid().ToString("N"),
        options.Value.Users.Values.Select(u => PasswordHashes.IterationsOf(u.PasswordHash)).FirstOrDefault(i => i > 0) is var configured and > 0 ? configured : PasswordHashes.DefaultIterations);

    private static bool FixedTimeEquals(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}

internal sealed record SignedInOperator(string Username, string DisplayName, IReadOnlyList<string> Roles);
