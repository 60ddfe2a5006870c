using System.Net.WebSockets;
using System.Text;
using BorderGate.Contracts.Devices;
using BorderGate.Devices.Endpoint;
using BorderGate.Devices.Protocol;
using BorderGate.Devices.Simulation;
using BorderGate.Devices.Tests.Support;
using BorderGate.TestSupport;

namespace BorderGate.Devices.Tests.Endpoint;

public sealed class DeviceEndpointTests(DeviceEndpointFixture fixture) : IClassFixture<DeviceEndpointFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    private static DeviceCommand Command(string name, params (string Key, string Value)[] args) =>
        new(Guid.NewGuid().ToString("N"), name, args.ToDictionary(a => a.Key, a => a.Value));

    private SimulatedBarrier Barrier(string id) => new(id, DeviceEndpointFixture.KeyOf(id), TimeProvider.System) { OperateTime = TimeSpan.FromMilliseconds(50) };

    private long ProtocolErrors(string deviceId, string reason) =>
        fixture.EndpointMetrics.Sum(DeviceEndpointMetrics.ProtocolErrorsInstrument, (DeviceEndpointMetrics.ReasonTag, reason), (DeviceEndpointMetrics.DeviceIdTag, deviceId));

    [Fact]
    public async Task Auth_ValidMac_WelcomedAndDeviceOnline()
    {
        await using var camera = await fixture.ConnectAsync(new SimulatedPlateCamera("cam-entry", DeviceEndpointFixture.KeyOf("cam-entry"), TimeProvider.System));

        Assert.True(camera.IsConnected);
        Assert.NotNull(camera.SessionId);
        Assert.True(fixture.Hub.IsConnected("cam-entry"));
        var status = await fixture.Device("cam-entry").Status();
        Assert.Equal(DeviceHealth.Online, status.Health);
        Assert.Equal(DeviceKind.PlateCamera, status.Kind);
    }

    [Fact]
    public async Task Auth_BadMac_RefusedWithAuthFailedAndClosedAsPolicyViolation()
    {
        await using var impostor = new SimulatedBarrier("bar-lane-6", DeviceEndpointFixture.KeyOf("someone-else"), TimeProvider.System);

        var refused = await Assert.ThrowsAsync<SimulatedDeviceRefusedException>(() => impostor.ConnectAsync(fixture.DeviceUri));

        Assert.Equal(DeviceProtocol.Errors.AuthFailed, refused.Code);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, impostor.CloseStatus);
        Assert.False(fixture.Hub.IsConnected("bar-lane-6"));
    }

    [Fact]
    public async Task Auth_UnknownDevice_RefusedLikeABadMac()
    {
        // The dev key store would give any id a key: the site layout is what makes the device unknown.
        await using var stranger = new SimulatedBarrier("bar-nowhere", DeviceEndpointFixture.KeyOf("bar-nowhere"), TimeProvider.System);

        var refused = await Assert.ThrowsAsync<SimulatedDeviceRefusedException>(() => stranger.ConnectAsync(fixture.DeviceUri));

        Assert.Equal(DeviceProtocol.Errors.AuthFailed, refused.Code);
        Assert.False(fixture.Hub.IsConnected("bar-nowhere"));
    }

    [Fact]
    public async Task Auth_WrongKind_Refused()
    {
        await using var wrong = new SimulatedPlateCamera("wb-lane-6", DeviceEndpointFixture.KeyOf("wb-lane-6"), TimeProvider.System);

        var refused = await Assert.ThrowsAsync<SimulatedDeviceRefusedException>(() => wrong.ConnectAsync(fixture.DeviceUri));

        Assert.Equal(DeviceProtocol.Errors.AuthFailed, refused.Code);
    }

    [Fact]
    public async Task Command_DeviceAcks_AcknowledgedInOneAttemptAndTelemetryReachesTheLane()
    {
        await using var barrier = await fixture.ConnectAsync(Barrier("bar-lane-1"));

        var result = await fixture.Device("bar-lane-1").Execute(Command("open"));

        Assert.Equal(CommandOutcome.Acknowledged, result.Outcome);
        Assert.Equal(1, result.Attempts);
        Assert.Equal(SimulatedBarrier.Open, barrier.State);
        await Wait.WaitUntil(() => fixture.Owners.EventsOf("bar-lane-1").Any(e => e.Name == "barrier" && e.Data["state"] == "open"), s_timeout, "barrier telemetry at the lane");
        Assert.All(fixture.Owners.OwnersOf("bar-lane-1"), owner => Assert.Equal("test-crossing/lane-1", owner));
        Assert.Equal("open", (await fixture.Device("bar-lane-1").Status()).LastTelemetry["barrier.state"]);
    }

    [Fact]
    public async Task Command_DeviceRejects_Rejected()
    {
        await using var barrier = await fixture.ConnectAsync(Barrier("bar-lane-2"));

        var result = await fixture.Device("bar-lane-2").Execute(Command("fly"));

        Assert.Equal(CommandOutcome.Rejected, result.Outcome);
        Assert.Contains("fly", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_FirstAttemptLost_RetriedAndAcknowledgedInTwoAttempts()
    {
        await using var barrier = await fixture.ConnectAsync(Barrier("bar-lane-3"));
        barrier.Faults.DropNextCommands(1);

        var result = await fixture.Device("bar-lane-3").Execute(Command("open"));

        Assert.Equal(CommandOutcome.Acknowledged, result.Outcome);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(1, fixture.GrainMetrics.Sum(BorderGate.Grains.Diagnostics.DeviceRetriesInstrument, (BorderGate.Grains.Diagnostics.DeviceIdTag, "bar-lane-3")));
    }

    [Fact]
    public async Task Command_NeverAcked_TimedOutAfterBoundedRetries()
    {
        await using var barrier = await fixture.ConnectAsync(Barrier("bar-lane-4"));
        barrier.Faults.DropNextCommands(int.MaxValue);

        var result = await fixture.Device("bar-lane-4").Execute(Command("open"));

        Assert.Equal(CommandOutcome.TimedOut, result.Outcome);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(0, barrier.CommandsExecuted);
    }

    [Fact]
    public async Task Command_SameCommandIdTwice_FirstOutcomeAndCarriedOutOnce()
    {
        await using var barrier = await fixture.ConnectAsync(Barrier("bar-lane-5"));
        var command = Command("open");

        var first = await fixture.Device("bar-lane-5").Execute(command);
        var again = await fixture.Device("bar-lane-5").Execute(command with { Name = "close" });

        Assert.Equal(first, again);
        Assert.Equal(1, barrier.CommandsExecuted);
        Assert.Equal(SimulatedBarrier.Open, barrier.State);
    }

    [Fact]
    public async Task BadMessages_EachAnsweredAndCounted_ConnectionKeepsWorking()
    {
        await using var weighbridge = await fixture.ConnectAsync(new SimulatedWeighbridge("wb-lane-1", DeviceEndpointFixture.KeyOf("wb-lane-1"), TimeProvider.System));

        await weighbridge.SendRawAsync("{ not json");
        await weighbridge.SendRawAsync("""{"type":"gossip","seq":1000}""");
        await weighbridge.SendRawAsync("""{"type":"telemetry","seq":1001}""");
        await weighbridge.SendRawAsync("""{"type":"ack","seq":1002,"commandId":"never-sent","ok":true}""");
        await weighbridge.SendRawAsync("""{"type":"telemetry","seq":"one","name":"weight"}""");

        string[] expected =
        [
            DeviceProtocol.Errors.Malformed, DeviceProtocol.Errors.UnknownType, DeviceProtocol.Errors.MissingField,
            DeviceProtocol.Errors.UnknownCommand, DeviceProtocol.Errors.Malformed,
        ];
        await Wait.WaitUntil(() => weighbridge.ErrorsReceived.Count == expected.Length, s_timeout, "five error replies");
        Assert.Equal(expected, weighbridge.ErrorsReceived);
        Assert.Equal(2, ProtocolErrors("wb-lane-1", DeviceProtocol.Errors.Malformed));
        Assert.Equal(1, ProtocolErrors("wb-lane-1", DeviceProtocol.Errors.UnknownType));
        Assert.Equal(1, ProtocolErrors("wb-lane-1", DeviceProtocol.Errors.MissingField));
        Assert.Equal(1, ProtocolErrors("wb-lane-1", DeviceProtocol.Errors.UnknownCommand));

        // Still connected and working, and the device grain took nothing from the bad messages. The raw
        // ack above carried seq 1002, which the endpoint took: the device's own seq must go past it.
        Assert.True(weighbridge.IsConnected);
        weighbridge.Faults.SkipSeq(10_000);
        await weighbridge.PlaceTruckAsync("29C12345", 31_000);
        await Wait.WaitUntil(() => fixture.Owners.EventsOf("wb-lane-1").Count(e => e.Name == "weight" && e.Data["stable"] == "true") == 2, s_timeout, "stable weights");
        Assert.Equal("31000", (await fixture.Device("wb-lane-1").Status()).LastTelemetry["weight.kg"]);
        Assert.Equal(DeviceHealth.Online, (await fixture.Device("wb-lane-1").Status()).Health);
    }

    [Fact]
    public async Task OversizedMessage_ErrorAndPolicyViolationClose_OtherDevicesUnaffected()
    {
        await using var neighbour = await fixture.ConnectAsync(new SimulatedPlateCamera("cam-lane-3", DeviceEndpointFixture.KeyOf("cam-lane-3"), TimeProvider.System));
        await using var noisy = await fixture.ConnectAsync(new SimulatedPlateCamera("cam-lane-2", DeviceEndpointFixture.KeyOf("cam-lane-2"), TimeProvider.System));

        var huge = "{\"type\":\"telemetry\",\"seq\":99,\"name\":\"plate-read\",\"data\":{\"plate\":\"" + new string('X', DeviceProtocol.MaxFrameBytes) + "\"}}";
        await noisy.SendRawAsync(huge);

        await Wait.WaitUntil(() => noisy.CloseStatus == WebSocketCloseStatus.PolicyViolation, s_timeout, "oversize closed");
        Assert.Contains(DeviceProtocol.Errors.TooLarge, noisy.ErrorsReceived);
        Assert.Equal(1, ProtocolErrors("cam-lane-2", DeviceProtocol.Errors.TooLarge));
        await Wait.WaitUntil(async () => (await fixture.Device("cam-lane-2").Status()).Health == DeviceHealth.Offline, s_timeout, "noisy camera offline");
        Assert.DoesNotContain(fixture.Owners.EventsOf("cam-lane-2"), e => e.Name == "plate-read");

        await neighbour.SightAsync("51D67890");
        await Wait.WaitUntil(() => fixture.Owners.EventsOf("cam-lane-3").Any(e => e.Name == "plate-read" && e.Data["plate"] == "51D67890"), s_timeout, "neighbour's plate read");
    }

    [Fact]
    public async Task MessageBeforeAuth_AuthRequiredAndPolicyViolationClose()
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(fixture.DeviceUri, CancellationToken.None);
        var telemetry = Encoding.UTF8.GetBytes("""{"type":"telemetry","seq":1,"deviceId":"cam-lane-4","name":"plate-read","data":{"plate":"X"}}""");
        await socket.SendAsync(telemetry, WebSocketMessageType.Text, true, CancellationToken.None);

        var buffer = new byte[4096];
        var reply = await socket.ReceiveAsync(buffer, CancellationToken.None);
        var text = Encoding.UTF8.GetString(buffer, 0, reply.Count);
        var close = await socket.ReceiveAsync(buffer, CancellationToken.None);

        Assert.Contains("\"auth.required\"", text, StringComparison.Ordinal);
        Assert.Equal(WebSocketMessageType.Close, close.MessageType);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
        Assert.Empty(fixture.Owners.EventsOf("cam-lane-4"));
    }

    [Fact]
    public async Task Sequence_DuplicateAndOlderIgnored_GapAcceptedAndAllCounted()
    {
        await using var camera = await fixture.ConnectAsync(new SimulatedPlateCamera("cam-lane-5", DeviceEndpointFixture.KeyOf("cam-lane-5"), TimeProvider.System));
        await camera.SightAsync("P1");
        camera.Faults.RepeatNextSeq();
        await camera.SightAsync("DUPLICATE");
        camera.Faults.RewindNextSeq();
        await camera.SightAsync("OLDER");
        camera.Faults.SkipSeq(5);
        await camera.SightAsync("AFTER-GAP");
        await camera.SightAsync("P2");

        await Wait.WaitUntil(() => fixture.Owners.EventsOf("cam-lane-5").Any(e => e.Name == "plate-read" && e.Data["plate"] == "P2"), s_timeout, "last plate read");
        var plates = fixture.Owners.EventsOf("cam-lane-5").Where(e => e.Name == "plate-read").Select(e => e.Data["plate"]).ToList();
        Assert.Equal(["P1", "AFTER-GAP", "P2"], plates);
        Assert.Equal(1, fixture.EndpointMetrics.Sum(DeviceEndpointMetrics.SequenceAnomaliesInstrument, (DeviceEndpointMetrics.ReasonTag, "duplicate"), (DeviceEndpointMetrics.DeviceIdTag, "cam-lane-5")));
        Assert.Equal(1, fixture.EndpointMetrics.Sum(DeviceEndpointMetrics.SequenceAnomaliesInstrument, (DeviceEndpointMetrics.ReasonTag, "out-of-order"), (DeviceEndpointMetrics.DeviceIdTag, "cam-lane-5")));
        Assert.Equal(1, fixture.EndpointMetrics.Sum(DeviceEndpointMetrics.SequenceAnomaliesInstrument, (DeviceEndpointMetrics.ReasonTag, "gap"), (DeviceEndpointMetrics.DeviceIdTag, "cam-lane-5")));
        Assert.True(camera.IsConnected);
        Assert.Empty(camera.ErrorsReceived);
    }

    [Fact]
    public async Task Fault_OwnerGetsItWithDetails_AlarmPublished_CommandsUnavailableUntilCleared()
    {
        await using var barrier = await fixture.ConnectAsync(Barrier("bar-lane-6"));

        await barrier.SendFaultAsync("arm-jammed", "arm stuck at 40 degrees", new Dictionary<string, string> { ["angle"] = "40" });

        await Wait.WaitUntil(() => fixture.Owners.EventsOf("bar-lane-6").Any(e => e.IsFault && e.Name == "arm-jammed"), s_timeout, "fault at the lane");
        var fault = fixture.Owners.EventsOf("bar-lane-6").Single(e => e.IsFault && e.Name == "arm-jammed");
        Assert.Equal("40", fault.Data["angle"]);
        Assert.Equal("arm stuck at 40 degrees", fault.Data["message"]);
        var alarms = await fixture.Cluster.EventLog.ReadAsync(DeviceAlarm.StreamFor(TestSite.CrossingId), 0, 1000, CancellationToken.None);
        Assert.Contains(alarms, a => Encoding.UTF8.GetString(a.Payload.Span).Contains("arm-jammed", StringComparison.Ordinal));
        var status = await fixture.Device("bar-lane-6").Status();
        Assert.Equal(DeviceHealth.Faulted, status.Health);
        Assert.Equal("arm-jammed", status.Fault);

        var refused = await fixture.Device("bar-lane-6").Execute(Command("open"));
        Assert.Equal(CommandOutcome.Unavailable, refused.Outcome);
        Assert.Equal(0, refused.Attempts);

        await fixture.Device("bar-lane-6").ClearFault();
        var done = await fixture.Device("bar-lane-6").Execute(Command("open"));
        Assert.Equal(CommandOutcome.Acknowledged, done.Outcome);
    }

    [Fact]
    public async Task Disconnect_DeviceOfflineAndCommandsUnavailable()
    {
        var barrier = await fixture.ConnectAsync(Barrier("bar-lane-2"));

        await barrier.DisconnectAsync();

        await Wait.WaitUntil(async () => (await fixture.Device("bar-lane-2").Status()).Health == DeviceHealth.Offline, s_timeout, "offline");
        Assert.False(fixture.Hub.IsConnected("bar-lane-2"));
        var result = await fixture.Device("bar-lane-2").Execute(Command("open"));
        Assert.Equal(CommandOutcome.Unavailable, result.Outcome);
        await Wait.WaitUntil(() => fixture.Owners.EventsOf("bar-lane-2").Any(e => e.Name == DeviceEventNames.Offline && e.IsFault), s_timeout, "offline event");

        await fixture.ConnectAsync(barrier);
        Assert.Equal(CommandOutcome.Acknowledged, (await fixture.Device("bar-lane-2").Execute(Command("open"))).Outcome);
        await barrier.DisposeAsync();
    }

    [Fact]
    public async Task SecondConnection_ReplacesTheFirst_CommandsGoToTheNewOne()
    {
        await using var first = await fixture.ConnectAsync(Barrier("bar-lane-1"));
        await using var second = Barrier("bar-lane-1");
        await second.ConnectAsync(fixture.DeviceUri);

        await Wait.WaitUntil(() => first.CloseStatus == WebSocketCloseStatus.PolicyViolation, s_timeout, "first connection closed");
        var result = await fixture.Device("bar-lane-1").Execute(Command("close"));

        Assert.Equal(CommandOutcome.Acknowledged, result.Outcome);
        Assert.Equal(1, second.CommandsExecuted);
        Assert.Equal(0, first.CommandsExecuted);
        Assert.True(fixture.Hub.IsConnected("bar-lane-1"));
    }
}
