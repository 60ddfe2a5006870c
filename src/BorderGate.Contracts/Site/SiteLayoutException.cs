namespace BorderGate.Contracts.Site;

/// <summary>
/// A site layout that cannot be used: unreadable, malformed JSON, or inconsistent. <see cref="Problems"/>
/// lists every problem found, so that one edit of the file can fix them all.
/// </summary>
public sealed class SiteLayoutException : Exception
{
    public SiteLayoutException()
        : this("The site layout is invalid.")
    {
    }

    public SiteLayoutException(string message)
        : this(message, (Exception?)null)
    {
    }

    public SiteLayoutException(string message, Exception? inner)
        : base(message, inner) => Problems = [message];

    /// <summary>A layout from <paramref name="layoutSource"/> (a file path or "json") with these problems.</summary>
    public SiteLayoutException(string layoutSource, IReadOnlyList<string> problems, Exception? inner = null)
        : base(Describe(layoutSource, problems), inner)
    {
        LayoutSource = layoutSource;
        Problems = problems;
    }

    /// <summary>Where the layout came from: a file path, or "json" for text parsed directly.</summary>
    public string? LayoutSource { get; }

    /// <summary>Every problem found, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Describe(string layoutSource, IReadOnlyList<string> problems) =>
        $"The site layout '{layoutSource}' has {problems.Count} problem{(problems.Count == 1 ? "" : "s")}:{Environment.NewLine}"
        + string.Join(Environment.NewLine, problems.Select(p => "  - " + p));
}
