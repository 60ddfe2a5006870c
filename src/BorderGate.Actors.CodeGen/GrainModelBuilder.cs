using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace BorderGate.Actors.CodeGen;

/// <summary>Reads grain interfaces and grain classes off the semantic model into cacheable models.</summary>
internal static class GrainModelBuilder
{
    private const string IGrainName = "BorderGate.Actors.IGrain";
    private const string IGrainWithStringKeyName = "BorderGate.Actors.IGrainWithStringKey";
    private const string GrainClassName = "BorderGate.Actors.Grain";
    private const string AttributeNamespace = "BorderGate.Actors";

    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly SymbolDisplayFormat s_signatureFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.ExpandNullable);

    public static bool IsGrainInterface(INamedTypeSymbol type) =>
        type.TypeKind == TypeKind.Interface
        && !IsMarker(type)
        && type.AllInterfaces.Any(i => i.ToDisplayString() == IGrainName);

    private static bool IsMarker(INamedTypeSymbol type)
    {
        var name = type.ToDisplayString();
        return name is IGrainName or IGrainWithStringKeyName;
    }

    public static InterfaceModel BuildInterface(INamedTypeSymbol type)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var fullName = type.ToDisplayString(s_typeFormat);
        if (type.IsGenericType)
        {
            diagnostics.Add(DiagnosticInfo.Create(GrainDiagnostics.Generic, type, type.ToDisplayString()));
        }

        if (!IsAccessible(type))
        {
            diagnostics.Add(DiagnosticInfo.Create(GrainDiagnostics.Inaccessible, type, type.ToDisplayString()));
        }

        var methods = new List<MethodModel>();
        foreach (var declaring in new[] { type }.Concat(type.AllInterfaces.Where(i => !IsMarker(i) && i.AllInterfaces.Any(b => b.ToDisplayString() == IGrainName))))
        {
            // Diagnostics point at this compilation's own members; inherited ones were checked where they were declared.
            var own = SymbolEqualityComparer.Default.Equals(declaring, type);
            foreach (var member in declaring.GetMembers())
            {
                switch (member)
                {
                    case IMethodSymbol { MethodKind: MethodKind.Ordinary, IsStatic: false, IsAbstract: true } method:
                        var model = BuildMethod(declaring, method, own ? diagnostics : null);
                        if (model is not null)
                        {
                            methods.Add(model);
                        }

                        break;
                    case IPropertySymbol or IEventSymbol when !member.IsStatic && own:
                        diagnostics.Add(DiagnosticInfo.Create(GrainDiagnostics.PropertyOrEvent, member, $"{type.Name}.{member.Name}"));
                        break;
                }
            }
        }

        return new InterfaceModel(
            fullName,
            type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : string.Empty,
            FlatName(type),
            methods.ToEquatableArray(),
            diagnostics.ToEquatableArray());
    }

    private static MethodModel? BuildMethod(INamedTypeSymbol declaring, IMethodSymbol method, List<DiagnosticInfo>? diagnostics)
    {
        var display = $"{declaring.Name}.{method.Name}";
        var valid = true;
        void Report(DiagnosticDescriptor descriptor, ISymbol symbol, string argument)
        {
            valid = false;
            diagnostics?.Add(DiagnosticInfo.Create(descriptor, symbol, argument));
        }

        if (method.IsGenericMethod)
        {
            Report(GrainDiagnostics.Generic, method, display);
        }

        foreach (var parameter in method.Parameters.Where(p => p.RefKind != RefKind.None))
        {
            Report(GrainDiagnostics.ByRefParameter, parameter, $"{parameter.Name}' of '{display}");
        }

        ReturnKind kind;
        string? resultType = null;
        var returnType = method.ReturnType as INamedTypeSymbol;
        var returnName = returnType?.ConstructedFrom.ToDisplayString();
        switch (returnName)
        {
            case "System.Threading.Tasks.Task":
                kind = ReturnKind.Task;
                break;
            case "System.Threading.Tasks.ValueTask":
                kind = ReturnKind.ValueTask;
                break;
            case "System.Threading.Tasks.Task<TResult>":
                kind = ReturnKind.TaskOfT;
                resultType = returnType!.TypeArguments[0].ToDisplayString(s_typeFormat);
                break;
            case "System.Threading.Tasks.ValueTask<TResult>":
                kind = ReturnKind.ValueTaskOfT;
                resultType = returnType!.TypeArguments[0].ToDisplayString(s_typeFormat);
                break;
            default:
                Report(GrainDiagnostics.InvalidReturnType, method, display);
                return null;
        }

        var options = 0;
        long? timeoutTicks = null;
        foreach (var attribute in method.GetAttributes())
        {
            var attributeClass = attribute.AttributeClass;
            if (attributeClass?.ContainingNamespace?.ToDisplayString() != AttributeNamespace)
            {
                continue;
            }

            switch (attributeClass.Name)
            {
                case "ReadOnlyAttribute":
                    options |= 1;
                    break;
                case "AlwaysInterleaveAttribute":
                    options |= 2;
                    break;
                case "PriorityAttribute":
                    options |= 8;
                    break;
                case "OneWayAttribute":
                    options |= 4;
                    if (kind is ReturnKind.TaskOfT or ReturnKind.ValueTaskOfT)
                    {
                        Report(GrainDiagnostics.OneWayWithResult, method, display);
                    }

                    break;
                case "ResponseTimeoutAttribute":
                    if (attribute.ConstructorArguments.FirstOrDefault().Value is string text
                        && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var timeout)
                        && timeout > TimeSpan.Zero)
                    {
                        timeoutTicks = timeout.Ticks;
                    }
                    else
                    {
                        Report(GrainDiagnostics.InvalidTimeout, method, display);
                    }

                    break;
            }
        }

        if (!valid)
        {
            return null;
        }

        var signature = $"{declaring.ToDisplayString(s_signatureFormat)}.{method.Name}({string.Join(",", method.Parameters.Select(p => p.Type.ToDisplayString(s_signatureFormat)))})";
        return new MethodModel(
            declaring.ToDisplayString(s_typeFormat),
            method.Name,
            kind,
            resultType,
            method.Parameters.Select(p => new ParameterModel(p.Type.ToDisplayString(s_typeFormat), p.Name)).ToEquatableArray(),
            options,
            timeoutTicks,
            signature);
    }

    public static bool IsGrainClass(INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class || type.IsAbstract || type.IsStatic)
        {
            return false;
        }

        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (current.ToDisplayString() == GrainClassName)
            {
                return true;
            }
        }

        return false;
    }

    public static GrainClassModel BuildClass(INamedTypeSymbol type)
    {
        var diagnostics = new List<DiagnosticInfo>();
        if (type.IsGenericType)
        {
            diagnostics.Add(DiagnosticInfo.Create(GrainDiagnostics.Generic, type, type.ToDisplayString()));
        }

        var typeName = type.GetAttributes()
            .FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == "BorderGate.Actors.GrainTypeAttribute")
            ?.ConstructorArguments.FirstOrDefault().Value as string;
        if (string.IsNullOrWhiteSpace(typeName))
        {
            var name = type.Name.EndsWith("Grain", StringComparison.Ordinal) && type.Name.Length > "Grain".Length
                ? type.Name.Substring(0, type.Name.Length - "Grain".Length)
                : type.Name;
            typeName = name.ToLowerInvariant();
        }

        var interfaces = type.AllInterfaces
            .Where(IsGrainInterface)
            .Select(i => new StringValue(i.ToDisplayString(s_typeFormat)))
            .ToEquatableArray();

        var reentrant = false;
        for (var current = type; current is not null; current = current.BaseType)
        {
            reentrant |= current.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "BorderGate.Actors.ReentrantAttribute");
        }

        var constructor = type.InstanceConstructors
            .Where(c => c.DeclaredAccessibility == Accessibility.Public)
            .OrderByDescending(c => c.Parameters.Length)
            .FirstOrDefault();
        var arguments = new List<ConstructorArgument>();
        foreach (var parameter in constructor?.Parameters ?? [])
        {
            arguments.Add(BuildArgument(parameter, diagnostics));
        }

        return new GrainClassModel(type.ToDisplayString(s_typeFormat), typeName!, interfaces, arguments.ToEquatableArray(), reentrant, diagnostics.ToEquatableArray());
    }

    private static ConstructorArgument BuildArgument(IParameterSymbol parameter, List<DiagnosticInfo> diagnostics)
    {
        var typeName = parameter.Type.ToDisplayString(s_typeFormat);
        var state = parameter.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == "BorderGate.Actors.PersistentStateAttribute");
        if (state is not null)
        {
            if (parameter.Type is INamedTypeSymbol { IsGenericType: true } named
                && named.ConstructedFrom.ToDisplayString() == "BorderGate.Actors.IPersistentState<TState>")
            {
                var args = state.ConstructorArguments;
                return new ConstructorArgument(
                    ArgumentKind.PersistentState,
                    typeName,
                    named.TypeArguments[0].ToDisplayString(s_typeFormat),
                    args.Length > 0 ? args[0].Value as string : null,
                    args.Length > 1 ? args[1].Value as string : null);
            }

            diagnostics.Add(DiagnosticInfo.Create(GrainDiagnostics.InvalidPersistentState, parameter, parameter.Name));
        }

        return parameter.Type.ToDisplayString() switch
        {
            "BorderGate.Actors.IGrainContext" => new ConstructorArgument(ArgumentKind.GrainContext, typeName, null, null, null),
            "BorderGate.Actors.IGrainFactory" => new ConstructorArgument(ArgumentKind.GrainFactory, typeName, null, null, null),
            _ => new ConstructorArgument(ArgumentKind.Service, typeName, null, null, null),
        };
    }

    private static bool IsAccessible(INamedTypeSymbol type)
    {
        for (ISymbol? current = type; current is INamedTypeSymbol named; current = current.ContainingType)
        {
            if (named.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                return false;
            }
        }

        return true;
    }

    private static string FlatName(INamedTypeSymbol type)
    {
        var parts = new List<string>();
        for (var current = type; current is not null; current = current.ContainingType)
        {
            parts.Insert(0, current.Name);
        }

        return string.Join("_", parts);
    }
}
