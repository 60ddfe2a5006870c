namespace BorderGate.Actors.Runtime;

internal enum ActivationState
{
    /// <summary>Created; its activation turn (construct, read state, OnActivateAsync) runs first.</summary>
    Activating,

    /// <summary>Serving calls.</summary>
    Valid,

    /// <summary>Running OnDeactivateAsync; new calls wait and are then sent to a new activation.</summary>
    Deactivating,

    /// <summary>Gone from the catalog; callers holding it look the grain up again.</summary>
    Invalid,
}
