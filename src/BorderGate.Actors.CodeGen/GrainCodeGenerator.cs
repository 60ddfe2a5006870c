using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace BorderGate.Actors.CodeGen;

/// <summary>
/// Generates, at compile time, a typed reference (proxy) for every grain interface of the project, a
/// request struct per method, and the assembly's grain manifest (interfaces → proxies, grain classes →
/// factories), as Orleans' code generator does. Invalid grain interfaces are build errors (BG0001–BG0008).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class GrainCodeGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var interfaces = context.SyntaxProvider.CreateSyntaxProvider(
                static (node, _) => node is InterfaceDeclarationSyntax { BaseList: not null },
                static (ctx, ct) => ctx.SemanticModel.GetDeclaredSymbol(ctx.Node, ct) is INamedTypeSymbol type && GrainModelBuilder.IsGrainInterface(type)
                    ? GrainModelBuilder.BuildInterface(type)
                    : null)
            .Where(static m => m is not null)
            .Select(static (m, _) => m!);

        var classes = context.SyntaxProvider.CreateSyntaxProvider(
                static (node, _) => node is ClassDeclarationSyntax { BaseList: not null },
                static (ctx, ct) => ctx.SemanticModel.GetDeclaredSymbol(ctx.Node, ct) is INamedTypeSymbol type && GrainModelBuilder.IsGrainClass(type)
                    ? GrainModelBuilder.BuildClass(type)
                    : null)
            .Where(static m => m is not null)
            .Select(static (m, _) => m!);

        var allInterfaces = interfaces.Collect().Select(static (items, _) => Distinct(items, static m => m.FullName));
        var allClasses = classes.Collect().Select(static (items, _) => Distinct(items, static m => m.FullName));

        context.RegisterSourceOutput(allInterfaces, static (spc, models) =>
        {
            foreach (var model in models)
            {
                foreach (var diagnostic in model.Diagnostics)
                {
                    spc.ReportDiagnostic(diagnostic.ToDiagnostic());
                }

                if (model.IsValid)
                {
                    spc.AddSource($"{GrainSourceEmitter.ProxyNamespace(model)}.{GrainSourceEmitter.ProxyName(model)}.g.cs", GrainSourceEmitter.EmitProxy(model));
                }
            }
        });

        var manifestInput = allInterfaces.Combine(allClasses).Combine(context.CompilationProvider.Select(static (c, _) => c.AssemblyName ?? "Grains"));
        context.RegisterSourceOutput(manifestInput, static (spc, input) =>
        {
            var ((interfaceModels, classModels), assemblyName) = input;
            foreach (var diagnostic in classModels.SelectMany(c => c.Diagnostics))
            {
                spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            var validInterfaces = interfaceModels.Where(m => m.IsValid).ToList();
            var validClasses = classModels.Where(m => m.IsValid).ToList();
            if (validInterfaces.Count == 0 && validClasses.Count == 0)
            {
                return;
            }

            spc.AddSource("BorderGateCodeGen.GrainManifest.g.cs", GrainSourceEmitter.EmitManifest(assemblyName, validInterfaces, validClasses));
        });
    }

    private static EquatableArray<T> Distinct<T>(ImmutableArray<T> items, System.Func<T, string> key)
        where T : System.IEquatable<T>
    {
        var seen = new HashSet<string>();
        return items.Where(i => seen.Add(key(i))).OrderBy(key, System.StringComparer.Ordinal).ToEquatableArray();
    }
}
