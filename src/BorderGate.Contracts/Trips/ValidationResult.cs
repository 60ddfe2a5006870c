namespace BorderGate.Contracts.Trips;

/// <summary>The outcome of validating a <see cref="TripDeclaration"/>.</summary>
/// <param name="Errors">Every problem found, in a stable order; empty when the declaration is valid.</param>
/// <param name="Normalized">
/// When valid, the declaration with plates, container and customs numbers and phone normalized and text trimmed;
/// otherwise null.
/// </param>
public sealed record ValidationResult(IReadOnlyList<FieldError> Errors, TripDeclaration? Normalized)
{
    public bool IsValid => Errors.Count == 0;
}
