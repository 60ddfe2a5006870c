using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;

namespace BorderGate.Actors.Networking;

internal static partial class FrameCodec
{
    /// <summary>Writes the frame, whose length <see cref="GetEncodedLength"/> gave, as one contiguous span of the output.</summary>
    public static void Write(IBufferWriter<byte> output, Frame frame, int length)
    {
        var span = output.GetSpan(length)[..length];
        Encode(frame, span);
        output.Advance(length);
    }

    /// <summary>A frame as a new array (tests, fault injection).</summary>
    public static byte[] ToArray(Frame frame)
    {
        var bytes = new byte[GetEncodedLength(frame)];
        Encode(frame, bytes);
        return bytes;
    }

    private static void Encode(Frame frame, Span<byte> span)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        span[4] = Version;
        span[5] = (byte)frame.Kind;
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], (ushort)FieldsOf(frame));
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], span.Length);
        BinaryPrimitives.WriteInt64LittleEndian(span[12..], frame.CorrelationId);
        var at = HeaderLength;
        if (frame.DeadlineUtcTicks != 0)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], frame.DeadlineUtcTicks);
            at += sizeof(long);
        }

        if (frame.TargetGeneration != 0)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], frame.TargetGeneration);
            at += sizeof(long);
        }

        if (frame.Sender is { } sender)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[at..], frame.ClusterIdHash);
            at += sizeof(ulong);
            var addressLength = sender.Endpoint.AddressFamily == AddressFamily.InterNetworkV6 ? 16 : 4;
            span[at++] = (byte)addressLength;
            if (!sender.Endpoint.Address.TryWriteBytes(span.Slice(at, addressLength), out _))
            {
                throw new ArgumentException($"The silo address {sender} cannot be written.", nameof(frame));
            }

            at += addressLength;
            BinaryPrimitives.WriteUInt16LittleEndian(span[at..], (ushort)sender.Endpoint.Port);
            at += sizeof(ushort);
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], sender.Generation);
            at += sizeof(long);
        }

        at = WriteString(span, at, frame.TraceParent);
        at = WriteString(span, at, frame.TraceState);
        at = WriteString(span, at, frame.TargetType);
        at = WriteString(span, at, frame.TargetKey);
        at = WriteString(span, at, frame.Method);
        if (frame.ErrorCode != TransportErrorCode.None)
        {
            span[at++] = (byte)frame.ErrorCode;
        }

        at = WriteString(span, at, frame.ErrorMessage);
        frame.Payload.Span.CopyTo(span[at..]);
    }

    private static int WriteString(Span<byte> span, int at, string? value)
    {
        if (value is null)
        {
            return at;
        }

        // The count was taken for the length; taking it again here keeps the frame free of a cache field.
        var bytes = s_utf8.GetByteCount(value);
        var length = (uint)bytes;
        while (length >= 0x80)
        {
            span[at++] = (byte)(length | 0x80);
            length >>= 7;
        }

        span[at++] = (byte)length;
        return at + s_utf8.GetBytes(value, span[at..]);
    }
}
