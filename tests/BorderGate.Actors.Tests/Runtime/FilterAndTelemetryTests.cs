using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using BorderGate.Actors.Diagnostics;
using BorderGate.Actors.Testing;
using BorderGate.Actors.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Actors.Tests.Runtime;

public sealed class RecordingFilters : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
{
    public ConcurrentQueue<string> Seen { get; } = new();

    async Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context)
    {
        Seen.Enqueue($"in {context.TargetId} {context.Method.MethodName}({string.Join(",", context.Arguments)}) on {context.Grain.GetType().Name}");
        await context.Invoke();
        if (context.Method.MethodName == nameof(ICounterGrain.Echo))
        {
            context.Result = "filtered:" + context.Result;
        }
    }

    async Task IOutgoingGrainCallFilter.Invoke(IOutgoingGrainCallContext context)
    {
        Seen.Enqueue($"out {context.SourceId?.ToString() ?? "client"} -> {context.TargetId} {context.Method.MethodName}");
        await context.Invoke();
    }
}

public sealed class FilterTests : IAsyncLifetime
{
    private readonly RecordingFilters _filters = new();
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(b => b
            .ConfigureServices(s => s.AddSingleton(new Probe()).AddSingleton<IIncomingGrainCallFilter>(_filters).AddSingleton<IOutgoingGrainCallFilter>(_filters)));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Filters_SeeEveryCall_AndMayReplaceTheResult()
    {
        var counter = _cluster.GrainFactory.GetGrain<ICounterGrain>("filtered");
        Assert.Equal(2, await counter.Add(2));
        Assert.Equal("filtered:xx", await counter.Echo("x", 2));

        Assert.Contains("out client -> counter/filtered Add", _filters.Seen);
        Assert.Contains("in counter/filtered Add(2) on CounterGrain", _filters.Seen);
        Assert.Contains("in counter/filtered Echo(x,2) on CounterGrain", _filters.Seen);
    }

    [Fact]
    public async Task OutgoingFilter_CallFromGrain_KnowsTheSource()
    {
        await _cluster.GrainFactory.GetGrain<IChainGrain>("src").Visit(["dst"], 0);
        Assert.Contains("out chain/src -> chain/dst Visit", _filters.Seen);
    }
}

[Collection(nameof(TelemetryCollection))]
public sealed class TelemetryTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task GrainCalls_AcrossHops_AreOneTraceWithParentedActivities()
    {
        var activities = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == ActorDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        using var root = new Activity("test-root").Start();
        var key = Guid.NewGuid().ToString("N");
        await fixture.Grains.GetGrain<IChainGrain>($"t1-{key}").Visit([$"t2-{key}", $"t3-{key}"], 0);
        root.Stop();

        var mine = activities.Where(a => a.TraceId == root.TraceId).ToList();
        Assert.Equal(3, mine.Count);
        Assert.All(mine, a => Assert.Equal("IChainGrain/Visit", a.DisplayName));
        var first = Assert.Single(mine, a => (string?)a.GetTagItem(ActorDiagnostics.GrainIdTag) == $"chain/t1-{key}");
        var second = Assert.Single(mine, a => (string?)a.GetTagItem(ActorDiagnostics.GrainIdTag) == $"chain/t2-{key}");
        var third = Assert.Single(mine, a => (string?)a.GetTagItem(ActorDiagnostics.GrainIdTag) == $"chain/t3-{key}");
        Assert.Equal(root.SpanId, first.ParentSpanId);
        Assert.Equal(first.SpanId, second.ParentSpanId);
        Assert.Equal(second.SpanId, third.ParentSpanId);
    }

    [Fact]
    public async Task FailedCall_Activity_HasErrorStatus()
    {
        var activities = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == ActorDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var root = new Activity("test-root").Start();
        await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Grains.GetGrain<ICounterGrain>("traced-failure").Fail("boom"));
        var activity = Assert.Single(activities, a => a.TraceId == root.TraceId);
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
    }

    [Fact]
    public async Task Meters_RecordCallsActivationsAndStorage()
    {
        var measured = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ActorDiagnostics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => measured.AddOrUpdate(i.Name, v, (_, old) => old + v));
        listener.SetMeasurementEventCallback<int>((i, v, _, _) => measured[i.Name] = v);
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => measured.AddOrUpdate(i.Name, 1, (_, old) => old + 1));
        listener.Start();

        var key = Guid.NewGuid().ToString("N");
        await fixture.Grains.GetGrain<IAccountGrain>($"metered-{key}").Deposit(1);
        await fixture.Grains.GetGrain<ICounterGrain>($"metered-{key}").Add(1);
        listener.RecordObservableInstruments();

        Assert.True(measured.GetValueOrDefault(ActorDiagnostics.CallsInstrument) >= 2);
        Assert.True(measured.GetValueOrDefault(ActorDiagnostics.CallDurationInstrument) >= 2);
        Assert.True(measured.GetValueOrDefault(ActorDiagnostics.ActivationsCreatedInstrument) >= 2);
        Assert.True(measured.GetValueOrDefault(ActorDiagnostics.StorageDurationInstrument) >= 2, "a state read and a write");
        Assert.True(measured.GetValueOrDefault(ActorDiagnostics.ActivationsInstrument) >= 2);
        Assert.True(measured.ContainsKey(ActorDiagnostics.MailboxDepthInstrument));
    }
}

/// <summary>Listeners are process-wide: telemetry tests don't run beside each other.</summary>
[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection;
