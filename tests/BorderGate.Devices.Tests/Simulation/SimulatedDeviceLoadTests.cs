using BorderGate.Devices.Simulation;
using BorderGate.Devices.Tests.Support;
using BorderGate.TestSupport;

namespace BorderGate.Devices.Tests.Simulation;

/// <summary>Loads the machine on purpose, so it runs alone (its busy threads would slow the timing of other tests).</summary>
[CollectionDefinition(nameof(SimulatedDeviceLoadTests), DisableParallelization = true)]
public sealed class SimulatedDeviceLoadCollection;

[Collection(nameof(SimulatedDeviceLoadTests))]
public sealed class SimulatedDeviceLoadTests(DeviceEndpointFixture fixture) : IClassFixture<DeviceEndpointFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ConcurrentSightings_FromOneCamera_AllReachTheOwner_NoneIgnoredAsOutOfOrder()
    {
        // Many trucks reach the entrance at once: every plate read must arrive, in a growing seq.
        await using var camera = await fixture.ConnectAsync(new SimulatedPlateCamera("cam-lane-6", DeviceEndpointFixture.KeyOf("cam-lane-6"), TimeProvider.System));
        var plates = Enumerable.Range(0, 1000).Select(i => $"29C{60000 + i}").ToList();

        // Busy threads beside the senders, so that a sender is preempted between taking its seq and sending, as on a loaded node.
        using (var busy = new CancellationTokenSource())
        {
            var spinners = Enumerable.Range(0, Environment.ProcessorCount * 2).Select(_ => Task.Factory.StartNew(() =>
            {
                while (!busy.IsCancellationRequested)
                {
                    Thread.SpinWait(1_000);
                }
            }, TaskCreationOptions.LongRunning)).ToList();
            var senders = Enumerable.Range(0, 8).Select(k => Task.Factory.StartNew(
                async () =>
                {
                    for (var i = k; i < plates.Count; i += 8)
                    {
                        await camera.SightAsync(plates[i]);
                    }
                }, TaskCreationOptions.LongRunning).Unwrap());
            await Task.WhenAll(senders);
            await busy.CancelAsync();
            await Task.WhenAll(spinners);
        }

        await Wait.WaitUntil(() => fixture.Owners.EventsOf("cam-lane-6").Count(e => e.Name == "plate-read") == plates.Count, s_timeout, "every plate read reached the lane");
        Assert.Equal(plates.Order(StringComparer.Ordinal), fixture.Owners.EventsOf("cam-lane-6").Where(e => e.Name == "plate-read").Select(e => e.Data["plate"]).Order(StringComparer.Ordinal));
    }
}
