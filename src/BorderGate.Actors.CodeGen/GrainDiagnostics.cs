using Microsoft.CodeAnalysis;

namespace BorderGate.Actors.CodeGen;

/// <summary>Build-time errors for grain interfaces and classes the runtime could not call.</summary>
internal static class GrainDiagnostics
{
    private const string Category = "BorderGate.Grains";

    public static readonly DiagnosticDescriptor InvalidReturnType = new(
        "BG0001", "Grain method must return a task",
        "Grain interface method '{0}' must return Task, Task<T>, ValueTask or ValueTask<T>: grain calls are asynchronous",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor PropertyOrEvent = new(
        "BG0002", "Grain interfaces declare only methods",
        "Grain interface member '{0}' is a property or event; grain interfaces may declare only methods returning tasks",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor Generic = new(
        "BG0003", "Generic grain interfaces and methods are not supported",
        "'{0}' is generic; grain interfaces and their methods must not have type parameters",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ByRefParameter = new(
        "BG0004", "Grain method parameters are passed by value",
        "Parameter '{0}' is ref, out or in; grain calls copy their arguments and cannot pass them by reference",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor OneWayWithResult = new(
        "BG0005", "One-way grain methods return no value",
        "Method '{0}' is [OneWay] but returns a value; a one-way call has no response, so it must return Task or ValueTask",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor Inaccessible = new(
        "BG0006", "Grain interface is not accessible",
        "Grain interface '{0}' is private or protected; grain interfaces must be public or internal",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidTimeout = new(
        "BG0007", "Invalid response timeout",
        "[ResponseTimeout] on '{0}' is not a positive time span such as \"00:00:05\"",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidPersistentState = new(
        "BG0008", "Invalid persistent state parameter",
        "Parameter '{0}' has [PersistentState] but its type is not IPersistentState<TState>",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static DiagnosticDescriptor ById(string id) => id switch
    {
        "BG0001" => InvalidReturnType,
        "BG0002" => PropertyOrEvent,
        "BG0003" => Generic,
        "BG0004" => ByRefParameter,
        "BG0005" => OneWayWithResult,
        "BG0006" => Inaccessible,
        "BG0007" => InvalidTimeout,
        _ => InvalidPersistentState,
    };
}
