using BorderGate.Contracts.Auth;
using BorderGate.Simulation.Play;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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

    /// <summary>
    /// The validation error that stops a silo with these settings from starting (fails if it starts). WebApplicationFactory
    /// races the failed host's disposal (dotnet/aspnetcore#33494): now and then the failure surfaces as an
    /// <see cref="ObjectDisposedException"/> from the disposed host instead; the start is then tried again, a few times,
    /// with a factory of the same settings.
    /// </summary>
    public OptionsValidationException StartFailure()
    {
        for (var attempt = 1; ; attempt++)
        {
            using var factory = attempt == 1 ? null : new SiloFactory(settings, services);
            try
            {
                (factory ?? this).CreateClient().Dispose();
            }
            catch (OptionsValidationException error)
            {
                return error;
            }
            catch (ObjectDisposedException) when (attempt < 5)
            {
                continue;
            }

            throw new Xunit.Sdk.XunitException("The silo started with settings it should have refused.");
        }
    }

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
