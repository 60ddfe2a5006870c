namespace BorderGate.Actors;

/// <summary>Why an activation is being deactivated.</summary>
public enum DeactivationReason
{
    IdleTimeout,
    ApplicationRequested,
    RuntimeShutdown,
    ActivationFailed,
}
