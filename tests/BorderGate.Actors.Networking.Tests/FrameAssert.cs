using System.Buffers;
using BorderGate.Actors.Networking;

namespace BorderGate.Actors.Networking.Tests;

internal static class FrameAssert
{
    public static void Equal(Frame expected, Frame actual)
    {
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.CorrelationId, actual.CorrelationId);
        Assert.Equal(expected.DeadlineUtcTicks, actual.DeadlineUtcTicks);
        Assert.Equal(expected.TargetGeneration, actual.TargetGeneration);
        Assert.Equal(expected.ClusterIdHash, actual.ClusterIdHash);
        Assert.Equal(expected.Sender, actual.Sender);
        Assert.Equal(expected.TraceParent, actual.TraceParent);
        Assert.Equal(expected.TraceState, actual.TraceState);
        Assert.Equal(expected.TargetType, actual.TargetType);
        Assert.Equal(expected.TargetKey, actual.TargetKey);
        Assert.Equal(expected.Method, actual.Method);
        Assert.Equal(expected.ErrorCode, actual.ErrorCode);
        Assert.Equal(expected.ErrorMessage, actual.ErrorMessage);
        Assert.Equal(expected.Payload.ToArray(), actual.Payload.ToArray());
    }
}

/// <summary>Builds a multi-segment sequence, as a pipe hands over bytes that arrived in pieces.</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Of(byte[] bytes, int segmentLength)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segments(bytes.AsMemory(0, Math.Min(segmentLength, bytes.Length)), 0);
        var last = first;
        for (var at = segmentLength; at < bytes.Length; at += segmentLength)
        {
            var next = new Segments(bytes.AsMemory(at, Math.Min(segmentLength, bytes.Length - at)), at);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
