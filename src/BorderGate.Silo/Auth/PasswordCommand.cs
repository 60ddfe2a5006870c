using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BorderGate.Silo.Auth;

/// <summary><c>dotnet BorderGate.Silo.dll hash-password</c>: the hash of the password read on standard input (one line), for an operator's account.</summary>
internal static class PasswordCommand
{
    public const int MinimumLength = 12;

    public static int Run(TextReader input, TextWriter output, TextWriter error)
    {
        var password = input.ReadLine();
        if (password is null || password.Length < MinimumLength)
        {
            error.WriteLine($"hash-password: give a password of at least {MinimumLength} characters on standard input (printf '%s\\n' \"$PASSWORD\" | dotnet BorderGate.Silo.dll hash-password).");
            return 2;
        }

        output.WriteLine(PasswordHashes.Hash(password));
        return 0;
    }
}

/// <summary>The OpenAPI document names the bearer scheme, so that clients know to sign in first.</summary>
internal sealed class BearerSecurityScheme : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A token from POST /api/auth/operator, /api/auth/company or /api/auth/driver.",
        };
        return Task.CompletedTask;
    }
}
