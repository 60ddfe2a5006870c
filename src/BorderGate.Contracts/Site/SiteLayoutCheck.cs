using System.Globalization;

namespace BorderGate.Contracts.Site;

/// <summary>
/// One validation run over a layout. Null checks look redundant against the nullable annotations, but
/// layouts are also built in code and by lenient deserializers, and a null must become a problem, not a crash.
/// </summary>
internal sealed partial class SiteLayoutCheck(SiteLayout layout)
{
    private readonly List<string> _problems = [];

    // Device id -> what it is ("lane-2 weighbridge"), across all kinds: device grain keys share one space.
    private readonly Dictionary<string, string> _devices = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Run()
    {
        CheckId("crossingId", layout.CrossingId);
        if (string.IsNullOrWhiteSpace(layout.Name))
        {
            Problem("name is missing.");
        }

        CheckTimeZone();
        CheckEntrance();
        CheckLanes();
        CheckInspectionBays();
        var blocks = CheckYardBlocks();
        CheckCranes(blocks);
        var waypoints = CheckRoute();
        CheckDriverlessTrucks(waypoints);
        CheckPolicy();
        CheckTimings();
        return _problems;
    }

    private void CheckTimeZone()
    {
        if (string.IsNullOrWhiteSpace(layout.TimeZone))
        {
            Problem("timeZone is missing.");
        }
        else if (!TimeZoneInfo.TryFindSystemTimeZoneById(layout.TimeZone, out _))
        {
            Problem($"timeZone '{layout.TimeZone}' is not a time zone known to this machine (expected an IANA id such as 'Asia/Ho_Chi_Minh').");
        }
    }

    private void CheckEntrance()
    {
        if (layout.Entrance is not { } entrance)
        {
            Problem("entrance is missing.");
            return;
        }

        RegisterDevice("entrance.plateCameraId", entrance.PlateCameraId, "the entrance plate camera");
        if (entrance.WaitingAreaCapacity <= 0)
        {
            Problem($"entrance.waitingAreaCapacity must be positive; it is {entrance.WaitingAreaCapacity}.");
        }
    }

    private void CheckInspectionBays()
    {
        var bays = layout.InspectionBays ?? [];
        if (bays.Count == 0)
        {
            Problem("inspectionBays is empty: trucks on the red customs channel would have nowhere to go.");
        }

        UniqueIds("inspectionBays", bays, bay => bay.Id);
    }

    /// <summary>Checks the elements' ids (present, well formed, unique); returns the valid ones.</summary>
    private HashSet<string> UniqueIds<T>(string listName, IReadOnlyList<T?> items, Func<T, string?> id)
        where T : class
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not { } item)
            {
                Problem($"{listName}[{i}] is null.");
                continue;
            }

            var value = id(item);
            if (CheckId($"{listName}[{i}].id", value) && !seen.Add(value!))
            {
                Problem($"{listName}[{i}].id '{value}' is a duplicate: ids must be unique within {listName}.");
            }
        }

        return seen;
    }

    /// <summary>
    /// Ids become parts of grain keys ("huu-nghi/lane-3"), so they are restricted to letters, digits,
    /// '-', '_' and '.'; a '/' or a space would make keys ambiguous.
    /// </summary>
    private bool CheckId(string what, string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            Problem($"{what} is missing.");
            return false;
        }

        if (!id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            Problem($"{what} '{id}' may only contain letters, digits, '-', '_' and '.'.");
            return false;
        }

        return true;
    }

    private void RegisterDevice(string what, string? deviceId, string description)
    {
        if (!CheckId(what, deviceId))
        {
            return;
        }

        if (_devices.TryGetValue(deviceId!, out var other))
        {
            Problem($"{what}: device '{deviceId}' is already {other}; each device belongs to one place.");
            return;
        }

        _devices.Add(deviceId!, description);
    }

    private void Problem(string message) => _problems.Add(message);

    private static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
