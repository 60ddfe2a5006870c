namespace BorderGate.Actors.Runtime;

/// <summary>
/// The turns waiting, one behind the other, for a call: the caller's turn, the turn waiting for the caller, and so on. A
/// call may run beside a running turn of its target only when one of the target's running turns is among them — a call
/// back along the chain (A → B → A), which would otherwise deadlock. Calls one turn makes side by side to the same grain
/// are not on each other's chain: they queue there like any others (they used to interleave, and raced the target's state
/// writes). A turn that has ended is no longer waiting: a late call back along its chain queues too. A one-way call has no
/// chain: its sender waits for nothing.
/// </summary>
internal sealed class CallChain
{
    private readonly CallChain? _upstream;

    private CallChain(CallChain? upstream) => _upstream = upstream;

    /// <summary>The chain the calls of a turn carry: that turn (this link stands for it), then whoever waits for it.</summary>
    public static CallChain Through(CallChain? upstream) => new(upstream);

    /// <summary>Whether the turn <paramref name="link"/> stands for waits somewhere up this chain.</summary>
    public bool Contains(CallChain link)
    {
        for (var current = this; current is not null; current = current._upstream)
        {
            if (ReferenceEquals(current, link))
            {
                return true;
            }
        }

        return false;
    }
}
