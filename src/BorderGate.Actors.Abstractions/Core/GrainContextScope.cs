namespace BorderGate.Actors;

/// <summary>
/// Carries the activation being constructed to the <see cref="Grain"/> constructor. Set by the runtime
/// around grain construction only; never visible to grain code afterwards.
/// </summary>
public static class GrainContextScope
{
    [ThreadStatic]
    private static IGrainContext? t_current;

    internal static IGrainContext? Current => t_current;

    /// <summary>For the runtime: makes <paramref name="context"/> current while a grain instance is created.</summary>
    public static Scope Enter(IGrainContext context)
    {
        var previous = t_current;
        t_current = context;
        return new Scope(previous);
    }

    public readonly struct Scope : IDisposable
    {
        private readonly IGrainContext? _previous;

        internal Scope(IGrainContext? previous) => _previous = previous;

        public void Dispose() => t_current = _previous;
    }
}
