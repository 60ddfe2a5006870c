namespace BorderGate.Actors.Cluster;

/// <summary>
/// A consistent-hash ring over the active silos of a cluster: each silo stands at <see cref="PointsPerSilo"/> points, and a
/// hash belongs to the silo at the first point at or after it (wrapping). Every silo that sees the same membership view
/// builds the same ring, so that they agree without talking on who owns what (reminders, by their grain's hash). When a
/// silo leaves, only the hashes it owned move, spread over the others; when one joins, it takes a share from each.
/// </summary>
internal sealed class HashRing
{
    /// <summary>Points per silo: enough that three silos share the ring within a few tenths of even, few enough to read cheaply.</summary>
    public const int PointsPerSilo = 16;

    private readonly uint[] _points;
    private readonly string[] _owners;

    public HashRing(IEnumerable<string> silos)
    {
        var points = silos
            .Distinct(StringComparer.Ordinal)
            .SelectMany(silo => Enumerable.Range(0, PointsPerSilo).Select(i => (Point: Point($"{silo}#{i}"), Silo: silo)))
            .OrderBy(p => p.Point)
            .ThenBy(p => p.Silo, StringComparer.Ordinal)
            .ToArray();
        _points = [.. points.Select(p => p.Point)];
        _owners = [.. points.Select(p => p.Silo)];
        Silos = [.. _owners.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>The silos on the ring, in ordinal order.</summary>
    public IReadOnlyList<string> Silos { get; }

    /// <summary>Where a name stands on a ring: the grains' uniform hash of it, so that silos and grains share one ring.</summary>
    public static uint Point(string name) => new GrainId("silo", name).GetUniformHashCode();

    /// <summary>The silo that owns <paramref name="hash"/>; null on an empty ring.</summary>
    public string? OwnerOf(uint hash)
    {
        if (_points.Length == 0)
        {
            return null;
        }

        var index = Array.BinarySearch(_points, hash);
        if (index < 0)
        {
            index = ~index;
        }
        else
        {
            // The first of equal points (a collision between two silos' points is settled by name, as the ring is sorted).
            while (index > 0 && _points[index - 1] == hash)
            {
                index--;
            }
        }

        return _owners[index == _points.Length ? 0 : index];
    }

    /// <summary>
    /// The ranges <paramref name="silo"/> owns, adjacent ones merged: (begin, end] each, wrapping when begin ≥ end, as
    /// <see cref="IReminderTable.ReadRowsAsync(uint, uint, CancellationToken)"/> reads them; the whole ring is (0, 0].
    /// None when the silo is not on the ring.
    /// </summary>
    public IReadOnlyList<RingRange> RangesOf(string silo)
    {
        var count = _points.Length;
        if (count == 0 || !_owners.Contains(silo, StringComparer.Ordinal))
        {
            return [];
        }

        if (Silos.Count == 1)
        {
            return [RingRange.Whole];
        }

        // Start just after a point of another silo, so that runs of this silo's points are not cut at the wrap.
        var start = Array.FindIndex(_owners, o => o != silo);
        var ranges = new List<RingRange>();
        uint? begin = null;
        for (var step = 1; step <= count; step++)
        {
            var i = (start + step) % count;
            var previous = _points[(i + count - 1) % count];
            if (_owners[i] == silo)
            {
                begin ??= previous;
                var nextIsMine = _owners[(i + 1) % count] == silo && step < count;
                if (!nextIsMine)
                {
                    if (begin.Value != _points[i])
                    {
                        ranges.Add(new RingRange(begin.Value, _points[i]));
                    }

                    begin = null;
                }
            }
        }

        return ranges;
    }
}

/// <summary>Hashes in (<see cref="BeginExclusive"/>, <see cref="EndInclusive"/>], wrapping when begin ≥ end; begin = end is the whole ring.</summary>
internal readonly record struct RingRange(uint BeginExclusive, uint EndInclusive)
{
    public static RingRange Whole => new(0, 0);

    /// <summary>The share of the ring the range covers, 0 to 1.</summary>
    public double Fraction => BeginExclusive == EndInclusive ? 1 : unchecked(EndInclusive - BeginExclusive) / 4294967296.0;

    public bool Contains(uint hash) =>
        BeginExclusive < EndInclusive
            ? hash > BeginExclusive && hash <= EndInclusive
            : hash > BeginExclusive || hash <= EndInclusive;
}
