using Microsoft.CodeAnalysis;

namespace BorderGate.Actors.CodeGen;

/// <summary>Placeholder until the generator lands.</summary>
[Generator]
public sealed class GrainCodeGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}
