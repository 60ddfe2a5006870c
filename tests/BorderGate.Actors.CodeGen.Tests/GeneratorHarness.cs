using System.Collections.Immutable;
using BorderGate.Actors.CodeGen;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace BorderGate.Actors.CodeGen.Tests;

/// <summary>Runs the generator over source text, as the compiler does in a build.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return [.. platform.Select(p => MetadataReference.CreateFromFile(p)),
            MetadataReference.CreateFromFile(typeof(IGrain).Assembly.Location)];
    });

    public static GeneratorResult Run(string source, string assemblyName = "Grains.Under.Test")
    {
        var compilation = CSharpCompilation.Create(
            assemblyName,
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "Grains.cs")],
            s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new GrainCodeGenerator().AsSourceGenerator()],
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        return new GeneratorResult(driver, compilation, output, generatorDiagnostics);
    }
}

internal sealed record GeneratorResult(GeneratorDriver Driver, Compilation Input, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    public IReadOnlyList<string> GeneratedSources =>
        [.. Driver.GetRunResult().Results.SelectMany(r => r.GeneratedSources).Select(s => s.SourceText.ToString())];

    public IReadOnlyList<Diagnostic> CompileErrors =>
        [.. Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)];
}
