namespace BorderGate.Actors.Runtime;

/// <summary>
/// The activations waiting, one behind the other, for a call: its caller, the one waiting for the caller, and so on. A call
/// may run beside a running turn of its target only when the target is among them — a call back along the chain
/// (A → B → A), which would otherwise deadlock. Calls one turn makes side by side to the same grain are not on each other's
/// chain: they queue there like any others (they used to interleave, and raced the target's state writes). A one-way call
/// has no chain: its sender waits for nothing.
/// </summary>
internal sealed class CallChain
{
    private readonly GrainId _waiting;
    private readonly CallChain? _upstream;

    private CallChain(GrainId waiting, CallChain? upstream)
    {
        _waiting = waiting;
        _upstream = upstream;
    }

    /// <summary>The chain a call made by <paramref name="caller"/>'s turn carries: the caller, then whoever waits for it.</summary>
    public static CallChain Through(GrainId caller, CallChain? upstream) => new(caller, upstream);

    /// <summary>Whether <paramref name="grain"/> waits somewhere up this chain.</summary>
    public bool Contains(GrainId grain)
    {
        for (var link = this; link is not null; link = link._upstream)
        {
            if (link._waiting.Equals(grain))
            {
                return true;
            }
        }

        return false;
    }
}
