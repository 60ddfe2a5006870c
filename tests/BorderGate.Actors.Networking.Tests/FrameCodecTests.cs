using System.Buffers;
using System.Buffers.Binary;
using BorderGate.Actors.Networking;

namespace BorderGate.Actors.Networking.Tests;

public sealed class FrameCodecTests
{
    private static FrameReadStatus Read(byte[] bytes, int maxFrameSize = 1024 * 1024)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        return FrameCodec.TryRead(ref buffer, maxFrameSize, out _);
    }

    [Fact]
    public void BadMagic_IsCaught_FromTheFirstFourBytes() =>
        Assert.Equal(FrameReadStatus.BadMagic, Read("GET "u8.ToArray()));

    [Fact]
    public void OversizedLength_IsCaught_BeforeTheBodyArrives()
    {
        var header = FrameCodec.ToArray(Transports.Request("x"))[..FrameCodec.HeaderLength];
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), 2 * 1024 * 1024);
        Assert.Equal(FrameReadStatus.Oversized, Read(header));
    }

    [Fact]
    public void UnknownVersion_KindOrFieldBits_AreRejected()
    {
        var bytes = FrameCodec.ToArray(Transports.Request("x"));
        var version = (byte[])bytes.Clone();
        version[4] = 2;
        Assert.Equal(FrameReadStatus.UnsupportedVersion, Read(version));
        var kind = (byte[])bytes.Clone();
        kind[5] = 99;
        Assert.Equal(FrameReadStatus.Malformed, Read(kind));
        var fields = (byte[])bytes.Clone();
        fields[7] = 0x80;
        Assert.Equal(FrameReadStatus.Malformed, Read(fields));
    }

    [Fact]
    public void StringLongerThanTheFrame_IsMalformed()
    {
        var frame = new Frame { Kind = FrameKind.OneWay, Method = "m" };
        var bytes = FrameCodec.ToArray(frame);
        bytes[FrameCodec.HeaderLength] = 100;
        Assert.Equal(FrameReadStatus.Malformed, Read(bytes));
    }

    [Fact]
    public void InvalidUtf8_IsMalformed()
    {
        var bytes = FrameCodec.ToArray(new Frame { Kind = FrameKind.OneWay, Method = "ab" });
        bytes[FrameCodec.HeaderLength + 1] = 0xFF;
        Assert.Equal(FrameReadStatus.Malformed, Read(bytes));
    }

    [Fact]
    public void LengthShorterThanTheHeader_IsMalformed()
    {
        var bytes = FrameCodec.ToArray(new Frame { Kind = FrameKind.Ping });
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 3);
        Assert.Equal(FrameReadStatus.Malformed, Read(bytes));
    }
}
