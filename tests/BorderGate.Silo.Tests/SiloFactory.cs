using BorderGate.Contracts.Auth;
using BorderGate.Simulation.Play;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Silo.Tests;

/// <summary>
/// The real silo host in process, with its configuration overridden per test; its development accounts on
/// <see cref="TestAuth.Secret"/> unless the test sets <c>BorderGate:Auth</c> itself.
/// </summary>
public sealed class SiloFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
{
    /// <summary>A client signed in as the development supervisor (operator's and supervisor's rights).</summary>
    public HttpClient CreateSupervisorClient() => CreateDefaultClient(new SignedInHandler(Server.BaseAddress, TestAuth.Credentials));

    /// <summary>A client signed in as <paramref name="company"/>.</summary>
    public HttpClient CreateCompanyClient(string company = TestDeclarations.Company) =>
        CreateDefaultClient(new SignedInHandler(Server.BaseAddress, TestAuth.Credentials) { DefaultCompany = company });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (!settings.Keys.Any(k => k.StartsWith("BorderGate:Auth:", StringComparison.Ordinal)))
        {
            builder.UseSetting(DevelopmentCredentials.SecretKey, TestAuth.Secret);
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (services is not null)
        {
            builder.ConfigureServices(services);
        }
    }
}

/// <summary>The tests' development accounts: the supervisor and operator sign in with <see cref="Secret"/>, companies with keys derived from it.</summary>
public static class TestAuth
{
    public const string Secret = "silo-tests-auth-secret";

    public static SiloCredentials Credentials { get; } = SiloCredentials.Development(Secret);

    /// <summary>The company key a development silo on <see cref="Secret"/> accepts.</summary>
    public static string CompanyKey(string company) => DevelopmentCredentials.CompanyKey(Secret, company);
}
