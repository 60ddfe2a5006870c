namespace BorderGate.Actors.Runtime;

/// <summary>
/// One running turn of an activation. It is the <see cref="SynchronizationContext"/> while grain code runs,
/// so that every await continuation of the turn is posted back to the activation's queue and never runs
/// beside another turn; and it carries the call chain, for call-chain reentrancy.
/// </summary>
internal sealed class TurnContext : SynchronizationContext
{
    private CallChain? _upstream;
    private CallChain? _outgoing;

    public TurnContext(ActivationData activation) => Activation = activation;

    public ActivationData Activation { get; }

    /// <summary>Who waits for this turn (null: nobody, or a one-way call, a timer, a lifecycle step).</summary>
    public CallChain? Upstream
    {
        get => _upstream;
        set
        {
            _upstream = value;
            _outgoing = null;
        }
    }

    /// <summary>The chain the calls this turn makes carry: this turn, then whoever waits for it (made once per turn).</summary>
    public CallChain Outgoing => _outgoing ??= CallChain.Through(_upstream);

    /// <summary>This turn's link in the chains of the calls it made, if it made any.</summary>
    public CallChain? OutgoingIfAny => _outgoing;

    public bool IsReadOnly { get; set; }

    /// <summary>The next active turn of the same activation (intrusive list, no allocation).</summary>
    public TurnContext? NextActive { get; set; }

    /// <summary>The turn the current thread is running grain code for, if any.</summary>
    public static new TurnContext? Current => SynchronizationContext.Current as TurnContext;

    public override void Post(SendOrPostCallback d, object? state) => Activation.EnqueueContinuation(this, d, state);

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Grain code cannot block on its own activation; await instead.");

    public override SynchronizationContext CreateCopy() => this;
}
