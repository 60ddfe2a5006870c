namespace BorderGate.Actors.Runtime;

/// <summary>Work that starts a turn: a grain call waiting in the activation's queue, or a runtime turn (activation, timer tick, reminder).</summary>
internal abstract class TurnItem
{
    public TurnItem? Next { get; set; }

    /// <summary>Arrival order within the activation: waiting turns and continuations run first come, first served.</summary>
    public long Sequence { get; set; }

    /// <summary>Who waits for this turn (see <see cref="CallChain"/>).</summary>
    public CallChain? Upstream { get; protected set; }

    public TurnKind Kind { get; protected set; }

    /// <summary>How many priority turns were queued ahead of this ordinary one (bounded: see <see cref="ActivationData.MaxOvertaken"/>).</summary>
    public int Overtaken { get; set; }

    /// <summary>Runs the turn's first part on the activation's thread; must end with <see cref="ActivationData.CompleteTurn"/>.</summary>
    public abstract void Start(ActivationData activation, TurnContext turn);

    /// <summary>The activation went away before the turn started: send the work elsewhere or fail it.</summary>
    public abstract void Abandon(ActivationData activation, Exception? failure);

    /// <summary>Whether the turn counts as use of the activation for idle collection.</summary>
    public virtual bool KeepsAlive => true;
}

/// <summary>How a turn may interleave with the activation's other turns.</summary>
[Flags]
internal enum TurnKind
{
    /// <summary>Runs alone, unless the grain is reentrant or the call is on the chain of a running turn.</summary>
    Exclusive = 0,
    ReadOnly = 1,
    AlwaysInterleave = 2,

    /// <summary>The activation's own lifecycle (activate, deactivate): runs alone and before anything else.</summary>
    Lifecycle = 4,

    /// <summary>Waits ahead of ordinary queued turns (after the lifecycle and the priority turns queued before it).</summary>
    Priority = 8,
}
