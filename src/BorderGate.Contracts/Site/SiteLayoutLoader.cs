using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace BorderGate.Contracts.Site;

/// <summary>
/// Reads a site layout (deploy/sites/*.json) and validates it: a host refuses to start on a layout that
/// would strand trucks, rather than finding out on the live map.
/// </summary>
public static class SiteLayoutLoader
{
    /// <summary>
    /// The layout files' JSON: camelCase, enums as camelCase strings, comments and trailing commas allowed.
    /// Strict where a typo would silently fall back to a default: unknown members, missing constructor
    /// values and nulls in non-nullable places are errors. Read-only.
    /// </summary>
    public static JsonSerializerOptions JsonOptions { get; } = CreateOptions();

    /// <summary>Loads and validates the layout file at <paramref name="path"/>.</summary>
    /// <exception cref="SiteLayoutException">The file cannot be read, is not a layout, or is inconsistent.</exception>
    public static SiteLayout Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SiteLayoutException(path, [$"The file cannot be read: {e.Message}"], e);
        }

        return Parse(json, path);
    }

    /// <summary>Parses and validates a layout.</summary>
    /// <param name="json">The layout's JSON.</param>
    /// <param name="layoutSource">Named in error messages; a file path when there is one.</param>
    /// <exception cref="SiteLayoutException">The text is not a layout, or the layout is inconsistent.</exception>
    public static SiteLayout Parse(string json, string layoutSource = "json")
    {
        ArgumentNullException.ThrowIfNull(json);
        SiteLayout? layout;
        try
        {
            layout = JsonSerializer.Deserialize<SiteLayout>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            // The serializer stops at the first error; its message names the line and JSON path.
            throw new SiteLayoutException(layoutSource, [$"Invalid layout JSON: {e.Message}"], e);
        }

        if (layout is null)
        {
            throw new SiteLayoutException(layoutSource, ["The layout is empty (JSON null)."]);
        }

        var problems = SiteLayoutValidator.Validate(layout);
        return problems.Count == 0 ? layout : throw new SiteLayoutException(layoutSource, problems);
    }

    /// <summary>Writes a layout in the files' format (indented).</summary>
    public static string ToJson(SiteLayout layout) => JsonSerializer.Serialize(layout, JsonOptions);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            WriteIndented = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectRequiredConstructorParameters = true,
            RespectNullableAnnotations = true,
            // Web defaults would also read numbers from strings; a layout is hand-written, keep it exact.
            NumberHandling = JsonNumberHandling.Strict,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly();
        return options;
    }
}
