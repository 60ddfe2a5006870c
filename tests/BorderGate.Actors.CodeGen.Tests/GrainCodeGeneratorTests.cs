using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace BorderGate.Actors.CodeGen.Tests;

public sealed class GrainCodeGeneratorTests
{
    private const string ValidGrains = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using BorderGate.Actors;

        namespace Crossing;

        public sealed class Plate { public string Text { get; set; } = ""; }

        public interface ITruckGrain : IGrainWithStringKey
        {
            Task Arrive(string lane, int weightKg);
            Task<Plate?> Plate();
            ValueTask Depart();
            ValueTask<IReadOnlyList<string>> History(int @event);
            [ReadOnly] Task<int> Position();
            [AlwaysInterleave] Task<string> Ping();
            [OneWay] Task Nudge(DateTimeOffset at);
            [ResponseTimeout("00:00:05")] Task<int> Weigh();
        }

        public interface ISpecialTruckGrain : ITruckGrain
        {
            Task Escort(string by);
        }

        internal interface IHiddenGrain : IGrainWithStringKey
        {
            Task<int> Count();
        }

        public sealed class State { public int N { get; set; } }

        public class TruckGrain(
            [PersistentState("truck", "Store")] IPersistentState<State> state,
            IGrainFactory factory,
            IServiceProvider services) : Grain, ITruckGrain
        {
            public Task Arrive(string lane, int weightKg) => Task.CompletedTask;
            public Task<Plate?> Plate() => Task.FromResult<Plate?>(null);
            public ValueTask Depart() => default;
            public ValueTask<IReadOnlyList<string>> History(int @event) => new(Array.Empty<string>());
            public Task<int> Position() => Task.FromResult(state.State.N);
            public Task<string> Ping() => Task.FromResult("pong");
            public Task Nudge(DateTimeOffset at) => Task.CompletedTask;
            public Task<int> Weigh() => Task.FromResult(factory.GetHashCode() + services.GetHashCode());
        }

        [GrainType("special")]
        [Reentrant]
        public sealed class SpecialTruckGrain(IPersistentState<State> s, IGrainFactory f, IServiceProvider sp) : TruckGrain(s, f, sp), ISpecialTruckGrain
        {
            public Task Escort(string by) => Task.CompletedTask;
        }

        internal sealed class HiddenGrain : Grain, IHiddenGrain
        {
            public Task<int> Count() => Task.FromResult(1);
        }
        """;

    [Fact]
    public void ValidGrains_GenerateCodeThatCompiles_WithoutDiagnostics()
    {
        var result = GeneratorHarness.Run(ValidGrains);

        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.CompileErrors);
        Assert.Equal(4, result.GeneratedSources.Count); // three proxies and the manifest
    }

    [Fact]
    public void Proxy_CarriesMethodOptionsAndTimeout_AndImplementsInheritedMethods()
    {
        var result = GeneratorHarness.Run(ValidGrains);
        var special = result.GeneratedSources.Single(s => s.Contains("class ISpecialTruckGrainReference", StringComparison.Ordinal));

        Assert.Contains("global::Crossing.ITruckGrain.Arrive(", special, StringComparison.Ordinal);
        Assert.Contains("global::Crossing.ISpecialTruckGrain.Escort(", special, StringComparison.Ordinal);
        Assert.Contains("\"Position\", \"Crossing.ITruckGrain.Position()\", (global::BorderGate.Actors.Invocation.GrainMethodOptions)1", special, StringComparison.Ordinal);
        Assert.Contains("\"Ping\", \"Crossing.ITruckGrain.Ping()\", (global::BorderGate.Actors.Invocation.GrainMethodOptions)2", special, StringComparison.Ordinal);
        Assert.Contains("InvokeOneWay<", special, StringComparison.Ordinal);
        Assert.Contains($"global::System.TimeSpan.FromTicks({TimeSpan.FromSeconds(5).Ticks}L)", special, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_RegistersProxiesAndClasses_WithTypeNamesStateAndReentrancy()
    {
        var manifest = GeneratorHarness.Run(ValidGrains).GeneratedSources.Single(s => s.Contains("IGrainManifestProvider", StringComparison.Ordinal));

        Assert.Contains("[assembly: global::BorderGate.Actors.Invocation.GrainManifestProvider(typeof(BorderGateCodeGen.GrainManifest_Grains_Under_Test))]", manifest, StringComparison.Ordinal);
        Assert.Contains("typeof(global::Crossing.TruckGrain), \"truck\"", manifest, StringComparison.Ordinal);
        Assert.Contains("typeof(global::Crossing.SpecialTruckGrain), \"special\"", manifest, StringComparison.Ordinal);
        Assert.Contains("typeof(global::Crossing.HiddenGrain), \"hidden\"", manifest, StringComparison.Ordinal);
        Assert.Contains("context.GetPersistentState<global::Crossing.State>(\"truck\", \"Store\")", manifest, StringComparison.Ordinal);
        Assert.Contains("context.GrainContext.GrainFactory", manifest, StringComparison.Ordinal);
        Assert.Contains("Service<global::System.IServiceProvider>(services", manifest, StringComparison.Ordinal);
        Assert.Matches("SpecialTruckGrain\\(.*\\), true\\)\\);", manifest);
        Assert.Matches("new global::Crossing.TruckGrain\\(.*\\), false\\)\\);", manifest);
    }

    [Theory]
    [InlineData("int Count();", "BG0001")]
    [InlineData("void Fire();", "BG0001")]
    [InlineData("System.Collections.Generic.IAsyncEnumerable<int> Stream();", "BG0001")]
    [InlineData("Task<int> Count { get; }", "BG0002")]
    [InlineData("event System.EventHandler Changed;", "BG0002")]
    [InlineData("Task<T> Get<T>();", "BG0003")]
    [InlineData("Task Move(ref int x);", "BG0004")]
    [InlineData("Task Read(out int x);", "BG0004")]
    [InlineData("Task Peek(in int x);", "BG0004")]
    [InlineData("[OneWay] Task<int> Fire();", "BG0005")]
    [InlineData("[ResponseTimeout(\"soon\")] Task Slow();", "BG0007")]
    [InlineData("[ResponseTimeout(\"-00:00:01\")] Task Slow();", "BG0007")]
    public void InvalidInterfaceMember_IsABuildError_AtTheMember(string member, string id)
    {
        var source = $$"""
            using System.Threading.Tasks;
            using BorderGate.Actors;
            public interface IBadGrain : IGrainWithStringKey
            {
                Task Fine();
                {{member}}
            }
            """;
        var result = GeneratorHarness.Run(source);

        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(5, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
        Assert.DoesNotContain(result.GeneratedSources, s => s.Contains("IBadGrainReference", StringComparison.Ordinal));
    }

    [Fact]
    public void GenericGrainInterface_IsABuildError()
    {
        var result = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using BorderGate.Actors;
            public interface IBoxGrain<T> : IGrainWithStringKey { Task<T> Get(); }
            """);
        Assert.Equal("BG0003", Assert.Single(result.GeneratorDiagnostics).Id);
    }

    [Fact]
    public void PrivateNestedGrainInterface_IsABuildError()
    {
        var result = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using BorderGate.Actors;
            public class Outer { private interface IInnerGrain : IGrainWithStringKey { Task Go(); } }
            """);
        Assert.Equal("BG0006", Assert.Single(result.GeneratorDiagnostics).Id);
    }

    [Fact]
    public void PersistentStateOnWrongType_IsABuildError()
    {
        var result = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using BorderGate.Actors;
            public interface IOkGrain : IGrainWithStringKey { Task Go(); }
            public sealed class OkGrain([PersistentState("s")] string state) : Grain, IOkGrain { public Task Go() => Task.CompletedTask; }
            """);
        Assert.Equal("BG0008", Assert.Single(result.GeneratorDiagnostics).Id);
    }

    [Fact]
    public void CompilationWithoutGrains_GeneratesNothing()
    {
        var result = GeneratorHarness.Run("public interface IPlain { void Go(); } public class Plain : IPlain { public void Go() { } }");
        Assert.Empty(result.GeneratedSources);
        Assert.Empty(result.GeneratorDiagnostics);
    }

    [Fact]
    public void UnrelatedEdit_ReusesCachedOutput()
    {
        var first = GeneratorHarness.Run(ValidGrains);
        var edited = first.Input.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Crossing; public static class Unrelated { public static int Answer => 42; }", new CSharpParseOptions(LanguageVersion.Latest)));

        var driver = first.Driver.RunGenerators(edited);
        var outputs = driver.GetRunResult().Results.Single().TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs);

        // The proxies are not regenerated for an edit that touches no grain (the manifest step sees the
        // compilation's name, which is unchanged, so it is cached too).
        Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output step was {o.Reason}"));
    }
}
