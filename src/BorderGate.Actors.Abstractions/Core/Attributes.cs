namespace BorderGate.Actors;

/// <summary>Names the grain type of a grain class (the first part of its <see cref="GrainId"/>). Defaults to the class name without a "Grain" suffix, lower-cased.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>The grain's turns may interleave at await points with any other call.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class ReentrantAttribute : Attribute;

/// <summary>The method does not change state: read-only calls may interleave with each other (not with writers).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadOnlyAttribute : Attribute;

/// <summary>Calls to this method may interleave with any other call of the grain.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute;

/// <summary>
/// Calls to this method wait ahead of the grain's ordinary queued calls (in order among themselves; a running turn is
/// never interrupted): for the events that free resources, which must not queue behind a flood of new work.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PriorityAttribute : Attribute;

/// <summary>The caller does not wait for the grain; errors are logged, not returned. The method must return Task or ValueTask.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OneWayAttribute : Attribute;

/// <summary>Overrides the default call deadline for one method, as a TimeSpan string such as <c>00:00:05</c>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ResponseTimeoutAttribute(string timeout) : Attribute
{
    public TimeSpan Timeout { get; } = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Injects an <see cref="IPersistentState{TState}"/> into a grain constructor parameter.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string? storageName = null) : Attribute
{
    public string StateName { get; } = stateName;

    /// <summary>The storage provider name; null for the default provider.</summary>
    public string? StorageName { get; } = storageName;
}
