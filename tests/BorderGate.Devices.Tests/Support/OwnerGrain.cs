using System.Collections.Concurrent;
using BorderGate.Actors;
using BorderGate.Contracts.Devices;

namespace BorderGate.Devices.Tests.Support;

/// <summary>Records the device events owner grains receive.</summary>
public sealed class OwnerProbe
{
    private readonly ConcurrentQueue<(string Owner, DeviceEvent Event)> _events = new();

    public void Record(string owner, DeviceEvent deviceEvent) => _events.Enqueue((owner, deviceEvent));

    public IReadOnlyList<DeviceEvent> EventsOf(string deviceId) => [.. _events.Where(e => e.Event.DeviceId == deviceId).Select(e => e.Event)];

    public IReadOnlyList<string> OwnersOf(string deviceId) => [.. _events.Where(e => e.Event.DeviceId == deviceId).Select(e => e.Owner)];
}

/// <summary>Stands in for the lane, gate, crane and driverless truck grains.</summary>
public interface ITestOwnerGrain : IDeviceEventSink;

public sealed class TestOwnerGrain(OwnerProbe probe) : Grain, ITestOwnerGrain
{
    public Task OnDeviceEvent(DeviceEvent deviceEvent)
    {
        probe.Record(GrainKey, deviceEvent);
        return Task.CompletedTask;
    }
}
