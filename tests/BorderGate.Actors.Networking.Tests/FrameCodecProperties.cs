using System.Buffers;
using System.Net;
using BorderGate.Actors.Networking;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BorderGate.Actors.Networking.Tests;

public sealed class FrameCodecProperties
{
    // Any string that is valid UTF-16, non-ASCII included; null means "left off the wire".
    private static readonly Gen<string?> s_text =
        Gen.Frequency(
            (1, Gen.Constant<string?>(null)),
            (4, Gen.ArrayOf(Gen.Elements('a', 'Z', '0', '/', '-', ' ', 'é', 'ữ', '中', '\u0000')).Select(chars => (string?)new string(chars))),
            (1, Gen.Elements<string?>("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", "😀 emoji", new string('k', 300))));

    private static readonly Gen<long> s_optionalLong = Gen.Frequency((1, Gen.Constant(0L)), (3, ArbMap.Default.GeneratorFor<long>()));

    private static readonly Gen<SiloAddress?> s_sender =
        Gen.Frequency(
            (2, Gen.Constant<SiloAddress?>(null)),
            (1, from a in ArbMap.Default.GeneratorFor<uint>()
                from port in Gen.Choose(0, 65535)
                from generation in ArbMap.Default.GeneratorFor<long>()
                from v6 in ArbMap.Default.GeneratorFor<bool>()
                select (SiloAddress?)new SiloAddress(new IPEndPoint(v6 ? IPAddress.Parse($"fe80::{a % 65536:x}") : new IPAddress(a), port), generation)));

    private static readonly Gen<Frame> s_frame =
        from kind in Gen.Elements(Enum.GetValues<FrameKind>())
        from correlationId in ArbMap.Default.GeneratorFor<long>()
        from deadline in s_optionalLong
        from generation in s_optionalLong
        from sender in s_sender
        from clusterHash in ArbMap.Default.GeneratorFor<ulong>()
        from strings in Gen.ArrayOf(s_text, 6)
        from errorCode in Gen.Elements(Enum.GetValues<TransportErrorCode>())
        from payload in Gen.Frequency((1, Gen.Constant(Array.Empty<byte>())), (3, ArbMap.Default.GeneratorFor<byte[]>()))
        select new Frame
        {
            Kind = kind,
            CorrelationId = correlationId,
            DeadlineUtcTicks = deadline,
            TargetGeneration = generation,
            Sender = sender,
            ClusterIdHash = sender is null ? 0 : clusterHash,
            TraceParent = strings[0],
            TraceState = strings[1],
            TargetType = strings[2],
            TargetKey = strings[3],
            Method = strings[4],
            ErrorCode = errorCode,
            ErrorMessage = strings[5],
            Payload = payload,
        };

    [Property(MaxTest = 500)]
    public Property AnyFrame_WrittenThenRead_IsTheSame() =>
        Prop.ForAll(s_frame.ToArbitrary(), frame =>
        {
            var bytes = FrameCodec.ToArray(frame);
            var buffer = new ReadOnlySequence<byte>(bytes);
            Assert.Equal(FrameReadStatus.Frame, FrameCodec.TryRead(ref buffer, int.MaxValue, out var read));
            Assert.True(buffer.IsEmpty);
            FrameAssert.Equal(frame, read!);
        });

    /// <summary>Several frames cut into segments at random places, as the socket may deliver them, read back whole.</summary>
    [Property(MaxTest = 200)]
    public Property Frames_SplitAcrossSegments_ReadBackInOrder() =>
        Prop.ForAll(Gen.ListOf(s_frame).ToArbitrary(), Gen.Choose(1, 64).ToArbitrary(), (frames, cut) =>
        {
            var bytes = frames.SelectMany(FrameCodec.ToArray).ToArray();
            var buffer = Segments.Of(bytes, cut);
            foreach (var frame in frames)
            {
                Assert.Equal(FrameReadStatus.Frame, FrameCodec.TryRead(ref buffer, int.MaxValue, out var read));
                FrameAssert.Equal(frame, read!);
            }

            Assert.True(buffer.IsEmpty);
        });

    /// <summary>Every proper prefix of a frame is incomplete, never a frame and never an error.</summary>
    [Property(MaxTest = 100)]
    public Property AnyPrefix_IsIncomplete() =>
        Prop.ForAll(s_frame.ToArbitrary(), frame =>
        {
            var bytes = FrameCodec.ToArray(frame);
            for (var length = 0; length < bytes.Length; length += Math.Max(1, bytes.Length / 50))
            {
                var buffer = new ReadOnlySequence<byte>(bytes, 0, length);
                Assert.Equal(FrameReadStatus.Incomplete, FrameCodec.TryRead(ref buffer, int.MaxValue, out _));
            }
        });
}
