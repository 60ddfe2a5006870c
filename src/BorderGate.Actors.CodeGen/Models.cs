using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace System.Runtime.CompilerServices
{
    /// <summary>Lets records compile on netstandard2.0.</summary>
    internal static class IsExternalInit;
}

namespace BorderGate.Actors.CodeGen
{
    /// <summary>An immutable array compared by its items, so that pipeline models cache between edits.</summary>
    internal readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IEnumerable<T>
        where T : IEquatable<T>
    {
        private readonly T[]? _items;

        public EquatableArray(IEnumerable<T> items) => _items = items.ToArray();

        public int Count => _items?.Length ?? 0;

        public T this[int index] => _items![index];

        public bool Equals(EquatableArray<T> other) =>
            (_items ?? Array.Empty<T>()).SequenceEqual(other._items ?? Array.Empty<T>());

        public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

        public override int GetHashCode()
        {
            var hash = 17;
            foreach (var item in _items ?? Array.Empty<T>())
            {
                hash = unchecked((hash * 31) + item.GetHashCode());
            }

            return hash;
        }

        public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(_items ?? Array.Empty<T>())).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    internal static class EquatableArray
    {
        public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items)
            where T : IEquatable<T> => new(items);
    }

    /// <summary>A diagnostic with its location kept as plain values (a Location would defeat caching).</summary>
    internal sealed record DiagnosticInfo(string Id, string FilePath, TextSpan Span, LinePositionSpan LineSpan, string Argument)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, ISymbol symbol, string argument)
        {
            var location = symbol.Locations.FirstOrDefault(l => l.IsInSource);
            var lineSpan = location?.GetLineSpan();
            return new DiagnosticInfo(descriptor.Id, location?.SourceTree?.FilePath ?? string.Empty, location?.SourceSpan ?? default, lineSpan?.Span ?? default, argument);
        }

        public Diagnostic ToDiagnostic()
        {
            var descriptor = GrainDiagnostics.ById(Id);
            var location = FilePath.Length == 0 ? Location.None : Location.Create(FilePath, Span, LineSpan);
            return Diagnostic.Create(descriptor, location, Argument);
        }
    }

    internal enum ReturnKind
    {
        Task,
        TaskOfT,
        ValueTask,
        ValueTaskOfT,
    }

    internal sealed record ParameterModel(string Type, string Name);

    internal sealed record MethodModel(
        string DeclaringInterface,
        string Name,
        ReturnKind ReturnKind,
        string? ResultType,
        EquatableArray<ParameterModel> Parameters,
        int Options,
        long? TimeoutTicks,
        string Signature);

    /// <summary>A grain interface declared in this compilation, with every method the proxy implements (its own and inherited).</summary>
    internal sealed record InterfaceModel(
        string FullName,
        string Namespace,
        string FlatName,
        EquatableArray<MethodModel> Methods,
        EquatableArray<DiagnosticInfo> Diagnostics)
    {
        public bool IsValid => Diagnostics.Count == 0;
    }

    internal sealed record ConstructorArgument(ArgumentKind Kind, string Type, string? StateType, string? StateName, string? StorageName);

    internal enum ArgumentKind
    {
        Service,
        PersistentState,
        GrainContext,
        GrainFactory,
    }

    /// <summary>A grain class declared in this compilation.</summary>
    internal sealed record GrainClassModel(
        string FullName,
        string GrainTypeName,
        EquatableArray<StringValue> Interfaces,
        EquatableArray<ConstructorArgument> Arguments,
        bool IsReentrant,
        EquatableArray<DiagnosticInfo> Diagnostics)
    {
        public bool IsValid => Diagnostics.Count == 0;
    }

    /// <summary>A string that can sit in an <see cref="EquatableArray{T}"/>.</summary>
    internal readonly record struct StringValue(string Value);
}
