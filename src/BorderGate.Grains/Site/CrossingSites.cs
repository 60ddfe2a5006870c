using BorderGate.Contracts.Site;

namespace BorderGate.Grains.Site;

/// <summary>The site layouts this node serves, by crossing id (a DI singleton built from configuration).</summary>
public sealed class CrossingSites
{
    private readonly Dictionary<string, SiteLayout> _layouts;

    public CrossingSites(IEnumerable<SiteLayout> layouts)
    {
        ArgumentNullException.ThrowIfNull(layouts);
        _layouts = layouts.ToDictionary(l => l.CrossingId, StringComparer.Ordinal);
    }

    public IReadOnlyCollection<SiteLayout> All => _layouts.Values;

    public SiteLayout Get(string crossingId) =>
        _layouts.TryGetValue(crossingId, out var layout)
            ? layout
            : throw new KeyNotFoundException($"No site layout is loaded for crossing '{crossingId}'; known: {string.Join(", ", _layouts.Keys)}.");

    /// <summary>Splits a composite key "crossing/thing" into its crossing's layout and the thing's id.</summary>
    public (SiteLayout Layout, string LocalId) Resolve(string compositeKey)
    {
        var slash = compositeKey.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == compositeKey.Length - 1)
        {
            throw new ArgumentException($"'{compositeKey}' is not a key of the form crossing/id.", nameof(compositeKey));
        }

        return (Get(compositeKey[..slash]), compositeKey[(slash + 1)..]);
    }
}
