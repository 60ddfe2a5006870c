using System.Globalization;
using BorderGate.Actors;
using BorderGate.Contracts.Auth;
using BorderGate.Silo.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BorderGate.Silo.Auth;

/// <summary>
/// Sign-in: operators by user name and password, companies by their API key, drivers by their truck's plate and its trip's
/// declaration number. Each answers a bearer token, or 401 saying only that the credentials do not match (not which part),
/// or 429 with Retry-After once an address has failed too often (<see cref="SignInGuard"/>).
/// </summary>
internal static partial class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").AllowAnonymous().WithTags("Sign-in");
        auth.MapPost("/operator", (OperatorSignIn request, Accounts accounts, Tokens tokens, SignInGuard guard, HttpContext http, ILogger<SignInGuardLog> log) =>
                SignInAsync(http, guard, log, "operator", request.Username,
                    () => Task.FromResult(accounts.Operator(request.Username ?? string.Empty, request.Password ?? string.Empty) is { } user ? tokens.ForOperator(user) : null),
                    "The user name and password do not match."))
            .WithName("SignInOperator").WithSummary("An operator or supervisor signs in");
        auth.MapPost("/company", (CompanySignIn request, Accounts accounts, Tokens tokens, SignInGuard guard, HttpContext http, ILogger<SignInGuardLog> log) =>
                SignInAsync(http, guard, log, "company", request.CompanyId,
                    () => Task.FromResult(accounts.Company(request.CompanyId?.Trim() ?? string.Empty, request.Key ?? string.Empty) ? tokens.ForCompany(request.CompanyId!.Trim()) : null),
                    "The company and key do not match."))
            .WithName("SignInCompany").WithSummary("A company's systems sign in with its API key");
        auth.MapPost("/driver", (DriverSignIn request, DriverStatuses statuses, Tokens tokens, SignInGuard guard, HttpContext http, ILogger<SignInGuardLog> log) =>
                SignInAsync(http, guard, log, "driver", request.Plate,
                    async () => await statuses.ForDriverAsync(request.Plate ?? string.Empty, request.Declaration ?? string.Empty).ConfigureAwait(false) is { } status
                        ? tokens.ForDriver(status.Plate, request.Declaration!.Trim())
                        : null,
                    DriverStatuses.NotFound))
            .WithName("SignInDriver").WithSummary("A driver signs in for one truck with its plate and declaration number");
        return api;
    }

    private static async Task<Results<Ok<SignedIn>, ProblemHttpResult>> SignInAsync(
        HttpContext http, SignInGuard guard, ILogger log, string kind, string? who, Func<Task<SignedIn?>> check, string refusal)
    {
        var address = http.Connection.RemoteIpAddress;
        var client = SignInGuard.KeyOf(kind, address);
        var from = address?.ToString() ?? "unknown";
        TimeSpan? over;
        try
        {
            over = await guard.TryBeginAsync(client).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SiloUnavailableException or GrainCallTimeoutException or SiloOverloadedException)
        {
            // The cluster cannot say how many tries the client has left (a silo died, failover under way): no check
            // without the count, or a guesser could go on while the cluster heals.
            guard.Count(kind, "unavailable");
            LogAllowanceUnavailable(log, kind, from, e);
            http.Response.Headers.RetryAfter = "1";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Sign-in unavailable",
                detail: "Sign-in cannot be checked just now: try again in a few seconds.");
        }

        if (over is { } wait)
        {
            guard.Count(kind, "throttled");
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many failed sign-ins",
                detail: string.Create(CultureInfo.InvariantCulture, $"Too many failed sign-ins from this address: try again in {seconds} s."));
        }

        SignedIn? signedIn = null;
        var answered = false;
        try
        {
            signedIn = await check().ConfigureAwait(false);
            answered = true;
        }
        finally
        {
            // Ended whatever happened: a check that threw was no guess, but it must not hold its place either.
            await guard.EndAsync(client, failed: answered && signedIn is null).ConfigureAwait(false);
        }

        if (signedIn is not null)
        {
            guard.Count(kind, "ok");
            LogSignedIn(log, kind, signedIn.Name, from);
            return TypedResults.Ok(signedIn);
        }

        guard.Count(kind, "refused");
        // An operator's refused user name is not logged whole: people type their password into it now and then.
        LogRefused(log, kind, kind == "operator" ? Shortened(who) : who ?? string.Empty, from);
        return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in refused", detail: refusal);
    }

    private static string Shortened(string? name) =>
        string.IsNullOrEmpty(name) ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"{name[..Math.Min(2, name.Length)]}… ({name.Length} characters)");

    [LoggerMessage(1601, LogLevel.Information, "Signed in: {Kind} {Name} from {Client}")]
    private static partial void LogSignedIn(ILogger logger, string kind, string name, string client);

    [LoggerMessage(1602, LogLevel.Warning, "Sign-in refused: {Kind} '{Who}' from {Client}")]
    private static partial void LogRefused(ILogger logger, string kind, string who, string client);

    [LoggerMessage(1603, LogLevel.Error, "Sign-in unavailable: the allowance of {Kind} sign-ins from {Client} could not be counted")]
    private static partial void LogAllowanceUnavailable(ILogger logger, string kind, string client, Exception error);
}

/// <summary>The sign-ins' log category.</summary>
internal sealed class SignInGuardLog;
