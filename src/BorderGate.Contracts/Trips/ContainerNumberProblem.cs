namespace BorderGate.Contracts.Trips;

/// <summary>Why a text is not a valid ISO 6346 container number.</summary>
public enum ContainerNumberProblem
{
    None,

    /// <summary>Not 3 letters, a category letter, 6 digits and a check digit.</summary>
    Format,

    /// <summary>The category letter is not U (freight), J (detachable equipment) or Z (trailer or chassis).</summary>
    Category,

    /// <summary>Well formed, but the check digit does not match the other ten characters (a typo).</summary>
    CheckDigit,
}
