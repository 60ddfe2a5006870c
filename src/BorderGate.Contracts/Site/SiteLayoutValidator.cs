namespace BorderGate.Contracts.Site;

/// <summary>
/// Checks that a site layout is consistent: unique ids, every device named once, cranes reaching known
/// blocks, a route that takes a driverless truck from the yard to the handoff and back, policy and
/// checkpoint timing values in range. Reports every problem, not just the first.
/// </summary>
public static class SiteLayoutValidator
{
    /// <summary>Every problem of <paramref name="layout"/>, one sentence each; empty when it is valid.</summary>
    public static IReadOnlyList<string> Validate(SiteLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return new SiteLayoutCheck(layout).Run();
    }

    /// <summary>Throws when <paramref name="layout"/> has any problem.</summary>
    /// <exception cref="SiteLayoutException">Lists every problem.</exception>
    public static void ThrowIfInvalid(SiteLayout layout, string layoutSource = "layout")
    {
        var problems = Validate(layout);
        if (problems.Count > 0)
        {
            throw new SiteLayoutException(layoutSource, problems);
        }
    }
}
