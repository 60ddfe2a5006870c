namespace BorderGate.Contracts.Trips;

/// <summary>
/// One problem with one field of a declaration. <see cref="Field"/> is one of <see cref="DeclarationFields"/>,
/// <see cref="Code"/> one of <see cref="DeclarationErrorCodes"/> (stable: clients translate by code);
/// <see cref="Message"/> is for people.
/// </summary>
public sealed record FieldError(string Field, string Code, string Message);
