using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace BorderGate.Actors.Storage;

/// <summary>
/// Reads a provider's versioned schema scripts, embedded in its assembly as
/// <c>{prefix}V&lt;number&gt;__&lt;name&gt;.sql</c> (for example <c>V001__actors.sql</c>), for its migrator to
/// apply the ones its database does not list yet.
/// </summary>
public static partial class SchemaScripts
{
    /// <summary>The scripts embedded in <paramref name="assembly"/> under <paramref name="resourcePrefix"/>, by ascending version.</summary>
    /// <param name="assembly">The provider's assembly.</param>
    /// <param name="resourcePrefix">The manifest resource name prefix of the scripts, such as <c>MyProvider.Sql.</c>.</param>
    /// <exception cref="InvalidOperationException">A script under the prefix is not named V&lt;number&gt;__&lt;name&gt;.sql.</exception>
    public static IReadOnlyList<SchemaScript> Load(Assembly assembly, string resourcePrefix)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentException.ThrowIfNullOrEmpty(resourcePrefix);
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(resourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => n[resourcePrefix.Length..])
            .Select(name => new SchemaScript(ParseVersion(name), name, Read(assembly, resourcePrefix + name)))
            .OrderBy(s => s.Version)
            .ToList();
    }

    private static int ParseVersion(string scriptName)
    {
        var match = VersionPattern().Match(scriptName);
        return match.Success
            ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"Schema script '{scriptName}' is not named V<number>__<name>.sql.");
    }

    private static string Read(Assembly assembly, string resourceName)
    {
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Schema script '{resourceName}' is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^V(\d+)__.+\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}

/// <summary>One versioned schema script.</summary>
/// <param name="Version">The number after the V, which orders the scripts and is recorded once applied.</param>
/// <param name="Name">The script's file name, such as <c>V001__actors.sql</c>.</param>
/// <param name="Sql">The script's text.</param>
public sealed record SchemaScript(int Version, string Name, string Sql);
