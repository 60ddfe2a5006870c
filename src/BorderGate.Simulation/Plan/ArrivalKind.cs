namespace BorderGate.Simulation.Plan;

/// <summary>How a planned truck keeps (or does not keep) its booked arrival window; see <see cref="DayPlan"/> for the rules.</summary>
public enum ArrivalKind
{
    /// <summary>Arrives inside its booked window.</summary>
    OnTime,

    /// <summary>Arrives more than the early tolerance before its window opens: waits until it opens.</summary>
    Early,

    /// <summary>Arrives past the late tolerance but before the no-show cutoff: queued behind trucks on time.</summary>
    Late,

    /// <summary>Declared and booked but never comes: the gate marks it a no-show.</summary>
    NoShow,

    /// <summary>Comes to the entrance without a declaration: held at the entrance with a reason.</summary>
    Undeclared,

    /// <summary>Arrives on time but weighs far more than declared: held at the lane.</summary>
    Overweight,
}
