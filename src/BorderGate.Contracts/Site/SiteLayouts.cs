namespace BorderGate.Contracts.Site;

/// <summary>Where the shipped layouts (deploy/sites/*.json) are found at run time.</summary>
public static class SiteLayouts
{
    /// <summary>Huu Nghi today: 6 lanes.</summary>
    public const string HuuNghiFile = "huu-nghi.json";

    /// <summary>Huu Nghi as planned: 14 lanes.</summary>
    public const string HuuNghi14File = "huu-nghi-14.json";

    /// <summary>Huu Nghi's 14 lanes sized for the 2030 target of 10,000 trucks a day, with faster checkpoints.</summary>
    public const string HuuNghi2030File = "huu-nghi-2030.json";

    /// <summary>The path of the default layout, Huu Nghi's; see <see cref="PathOf"/>.</summary>
    public static string DefaultPath => PathOf(HuuNghiFile);

    /// <summary>
    /// The path of a shipped layout file: the copy in the app's "sites" folder (the build puts it there),
    /// else deploy/sites/ in the nearest enclosing repository of the app or of the working directory.
    /// When neither exists, the app folder's path, so that loading fails naming where the file was expected.
    /// </summary>
    public static string PathOf(string fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        var beside = Path.Combine(AppContext.BaseDirectory, "sites", fileName);
        if (File.Exists(beside))
        {
            return beside;
        }

        return FindInRepository(AppContext.BaseDirectory, fileName)
            ?? FindInRepository(Directory.GetCurrentDirectory(), fileName)
            ?? beside;
    }

    private static string? FindInRepository(string start, string fileName)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "deploy", "sites", fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
