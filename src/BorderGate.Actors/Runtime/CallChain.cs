namespace BorderGate.Actors.Runtime;

/// <summary>Call-chain ids: unique per process without a shared counter (thread id in the high bits).</summary>
internal static class CallChain
{
    [ThreadStatic]
    private static long t_next;

    public static long For(TurnContext? caller) => caller?.ChainId ?? New();

    public static long New()
    {
        if (t_next == 0)
        {
            t_next = (long)Environment.CurrentManagedThreadId << 40;
        }

        return ++t_next;
    }
}
