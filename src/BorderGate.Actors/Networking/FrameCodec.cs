using System.Text;

namespace BorderGate.Actors.Networking;

/// <summary>
/// The binary frame format of docs/cluster-transport.md: a 20-byte little-endian header (magic, version,
/// kind, field bits, total length, correlation id), the optional fields its bits name, then the payload.
/// </summary>
internal static partial class FrameCodec
{
    /// <summary>"BGTX" read as a little-endian uint.</summary>
    public const uint Magic = 0x58544742;
    public const byte Version = 1;
    public const int HeaderLength = 20;

    /// <summary>Strings must be valid UTF-16 to be sent and valid UTF-8 to be received.</summary>
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The bytes the frame takes on the wire. Throws <see cref="EncoderFallbackException"/> for an invalid string.</summary>
    public static int GetEncodedLength(Frame frame)
    {
        long length = HeaderLength;
        if (frame.DeadlineUtcTicks != 0)
        {
            length += sizeof(long);
        }

        if (frame.TargetGeneration != 0)
        {
            length += sizeof(long);
        }

        if (frame.Sender is { } sender)
        {
            length += sizeof(ulong) + 1 + (sender.Endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 16 : 4) + sizeof(ushort) + sizeof(long);
        }

        length += StringLength(frame.TraceParent) + StringLength(frame.TraceState) + StringLength(frame.TargetType)
            + StringLength(frame.TargetKey) + StringLength(frame.Method) + StringLength(frame.ErrorMessage);
        if (frame.ErrorCode != TransportErrorCode.None)
        {
            length += 1;
        }

        length += frame.Payload.Length;
        return length > int.MaxValue ? throw new ArgumentException("A frame cannot be larger than 2 GiB.", nameof(frame)) : (int)length;
    }

    private static FrameFields FieldsOf(Frame frame)
    {
        var fields = FrameFields.None;
        if (frame.DeadlineUtcTicks != 0)
        {
            fields |= FrameFields.Deadline;
        }

        if (frame.TargetGeneration != 0)
        {
            fields |= FrameFields.TargetGeneration;
        }

        if (frame.Sender is not null)
        {
            fields |= FrameFields.Hello;
        }

        if (frame.TraceParent is not null)
        {
            fields |= FrameFields.TraceParent;
        }

        if (frame.TraceState is not null)
        {
            fields |= FrameFields.TraceState;
        }

        if (frame.TargetType is not null)
        {
            fields |= FrameFields.TargetType;
        }

        if (frame.TargetKey is not null)
        {
            fields |= FrameFields.TargetKey;
        }

        if (frame.Method is not null)
        {
            fields |= FrameFields.Method;
        }

        if (frame.ErrorCode != TransportErrorCode.None)
        {
            fields |= FrameFields.ErrorCode;
        }

        if (frame.ErrorMessage is not null)
        {
            fields |= FrameFields.ErrorMessage;
        }

        return fields;
    }

    private static int StringLength(string? value)
    {
        if (value is null)
        {
            return 0;
        }

        var bytes = s_utf8.GetByteCount(value);
        return VarUIntLength((uint)bytes) + bytes;
    }

    private static int VarUIntLength(uint value)
    {
        var length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }

        return length;
    }
}
