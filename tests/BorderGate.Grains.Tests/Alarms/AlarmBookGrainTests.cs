using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using BorderGate.TestSupport;

namespace BorderGate.Grains.Tests.Alarms;

/// <summary>The crossing's alarm book: raised by devices, open until acknowledged, repeats counted, every change on the feed.</summary>
public sealed class AlarmBookGrainTests : IAsyncLifetime
{
    private readonly CrossingFixture _crossing = new();

    public Task InitializeAsync() => _crossing.InitializeAsync();

    public Task DisposeAsync() => _crossing.DisposeAsync();

    private IAlarmBookGrain Book => _crossing.Cluster.GrainFactory.GetGrain<IAlarmBookGrain>(TestSites.CrossingId);

    private DeviceAlarm Alarm(string device, string code, string message) =>
        new(TestSites.CrossingId, device, DeviceKind.Weighbridge, code, message, _crossing.Now);

    [Fact]
    public async Task Raised_ThenAcknowledged_LeavesTheOpenList_AndEachChangeIsOnTheFeed()
    {
        var (changes, subscription) = await _crossing.CollectFeedAsync<AlarmChanged>();
        await using var _ = subscription;

        var raised = await Book.Raise(Alarm("wb-lane-1", "fault", "load cell drift"));
        Assert.Equal([raised], await Book.Open());
        var acknowledged = await Book.Acknowledge(raised.AlarmId, "operator Lan");

        Assert.Empty(await Book.Open());
        Assert.Equal("operator Lan", acknowledged.AcknowledgedBy);
        Assert.Equal(_crossing.Now, acknowledged.AcknowledgedAt);
        await Wait.WaitUntil(() => { lock (changes) { return changes.Count == 2; } }, TimeSpan.FromSeconds(10), "both changes on the feed");
        Assert.Equal([raised, acknowledged], changes.Select(c => c.Alarm));
    }

    [Fact]
    public async Task SameDeviceAndCode_WhileOpen_IsOneAlarmCounted_AfterAcknowledgement_ANewOne()
    {
        var first = await Book.Raise(Alarm("cam-lane-2", "stale", "no message for 15 s"));
        var again = await Book.Raise(Alarm("cam-lane-2", "stale", "no message for 30 s"));
        var other = await Book.Raise(Alarm("cam-lane-2", "fault", "lens fogged"));
        await Book.Acknowledge(first.AlarmId, "operator Lan");
        var afterAck = await Book.Raise(Alarm("cam-lane-2", "stale", "no message for 15 s"));

        Assert.Equal(first.AlarmId, again.AlarmId);
        Assert.Equal(2, again.Count);
        Assert.Equal("no message for 30 s", again.Message);
        Assert.NotEqual(first.AlarmId, other.AlarmId);
        Assert.NotEqual(first.AlarmId, afterAck.AlarmId);
        Assert.Equal([afterAck.AlarmId, other.AlarmId], (await Book.Open()).Select(a => a.AlarmId));
    }

    [Fact]
    public async Task AcknowledgedTwice_ChangesNothing_AndAnUnknownAlarmIsRefused()
    {
        var raised = await Book.Raise(Alarm("bar-lane-1", "fault", "barrier arm stuck"));
        var first = await Book.Acknowledge(raised.AlarmId, "operator Lan");
        var second = await Book.Acknowledge(raised.AlarmId, "operator Minh");

        Assert.Equal(first, second);
        var error = await Assert.ThrowsAsync<UnknownAlarmException>(() => Book.Acknowledge("alarm-999", "operator Lan"));
        Assert.Contains("has no alarm 'alarm-999'", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A device that faults raises its alarm in the book (not only on the alarm stream).</summary>
    [Fact]
    public async Task DeviceFault_RaisesAnAlarmInTheBook()
    {
        var device = _crossing.Cluster.GrainFactory.GetGrain<IDeviceGrain>(CrossingIds.Device(TestSites.CrossingId, "wb-lane-1"));
        await device.OnConnectionChanged(true, _crossing.Now);

        await device.OnFault("overload", "weighbridge overload", _crossing.Now);

        await Wait.WaitUntil(async () => (await Book.Open()).Any(a => a.DeviceId == "wb-lane-1" && a.Code == "overload"), TimeSpan.FromSeconds(10), "the fault in the alarm book");
    }
}
