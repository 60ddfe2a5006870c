using System.Buffers;
using System.Net;
using System.Text;

namespace BorderGate.Actors.Networking;

internal static partial class FrameCodec
{
    /// <summary>
    /// Reads one frame from the front of <paramref name="buffer"/> and moves the buffer past it. The header is
    /// checked as soon as its bytes are there, so a bad magic or an oversized length is caught before the rest
    /// of the frame is awaited. Fields are parsed in place; only the payload is copied, because the pipe's
    /// memory is reused once the read loop advances.
    /// </summary>
    public static FrameReadStatus TryRead(ref ReadOnlySequence<byte> buffer, int maxFrameSize, out Frame? frame)
    {
        frame = null;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadLittleEndian(out int magic))
        {
            return FrameReadStatus.Incomplete;
        }

        if ((uint)magic != Magic)
        {
            return FrameReadStatus.BadMagic;
        }

        if (!reader.TryRead(out var version))
        {
            return FrameReadStatus.Incomplete;
        }

        if (version != Version)
        {
            return FrameReadStatus.UnsupportedVersion;
        }

        if (!reader.TryRead(out var kind))
        {
            return FrameReadStatus.Incomplete;
        }

        if (kind is < (byte)FrameKind.Request or > (byte)FrameKind.Error)
        {
            return FrameReadStatus.Malformed;
        }

        if (!reader.TryReadLittleEndian(out short rawFields))
        {
            return FrameReadStatus.Incomplete;
        }

        var fields = (FrameFields)(ushort)rawFields;
        if ((fields & ~FrameFields.Known) != 0)
        {
            return FrameReadStatus.Malformed;
        }

        if (!reader.TryReadLittleEndian(out int length))
        {
            return FrameReadStatus.Incomplete;
        }

        if (length < HeaderLength)
        {
            return FrameReadStatus.Malformed;
        }

        if (length > maxFrameSize)
        {
            return FrameReadStatus.Oversized;
        }

        if (buffer.Length < length)
        {
            return FrameReadStatus.Incomplete;
        }

        reader.TryReadLittleEndian(out long correlationId);
        var body = new SequenceReader<byte>(buffer.Slice(HeaderLength, length - HeaderLength));
        var result = new Frame { Kind = (FrameKind)kind, CorrelationId = correlationId };
        try
        {
            if (!TryReadFields(ref body, fields, result))
            {
                return FrameReadStatus.Malformed;
            }
        }
        catch (DecoderFallbackException)
        {
            return FrameReadStatus.Malformed;
        }

        result.Payload = body.Remaining == 0 ? ReadOnlyMemory<byte>.Empty : body.UnreadSequence.ToArray();
        buffer = buffer.Slice(length);
        frame = result;
        return FrameReadStatus.Frame;
    }

    private static bool TryReadFields(ref SequenceReader<byte> body, FrameFields fields, Frame frame)
    {
        if ((fields & FrameFields.Deadline) != 0)
        {
            if (!body.TryReadLittleEndian(out long deadline) || deadline == 0)
            {
                return false;
            }

            frame.DeadlineUtcTicks = deadline;
        }

        if ((fields & FrameFields.TargetGeneration) != 0)
        {
            if (!body.TryReadLittleEndian(out long generation) || generation == 0)
            {
                return false;
            }

            frame.TargetGeneration = generation;
        }

        if ((fields & FrameFields.Hello) != 0)
        {
            if (!TryReadSender(ref body, frame))
            {
                return false;
            }
        }

        if (!TryReadString(ref body, fields, FrameFields.TraceParent, out var traceParent)
            || !TryReadString(ref body, fields, FrameFields.TraceState, out var traceState)
            || !TryReadString(ref body, fields, FrameFields.TargetType, out var targetType, s_types)
            || !TryReadString(ref body, fields, FrameFields.TargetKey, out var targetKey, s_keys)
            || !TryReadString(ref body, fields, FrameFields.Method, out var method, s_methods))
        {
            return false;
        }

        (frame.TraceParent, frame.TraceState, frame.TargetType, frame.TargetKey, frame.Method) = (traceParent, traceState, targetType, targetKey, method);
        if ((fields & FrameFields.ErrorCode) != 0)
        {
            if (!body.TryRead(out var code) || code == 0)
            {
                return false;
            }

            frame.ErrorCode = (TransportErrorCode)code;
        }

        if (!TryReadString(ref body, fields, FrameFields.ErrorMessage, out var errorMessage))
        {
            return false;
        }

        frame.ErrorMessage = errorMessage;
        return true;
    }

    private static bool TryReadSender(ref SequenceReader<byte> body, Frame frame)
    {
        if (!body.TryReadLittleEndian(out long clusterIdHash) || !body.TryRead(out var addressLength) || addressLength is not (4 or 16))
        {
            return false;
        }

        Span<byte> address = stackalloc byte[addressLength];
        if (!body.TryCopyTo(address))
        {
            return false;
        }

        body.Advance(addressLength);
        if (!body.TryReadLittleEndian(out short port) || !body.TryReadLittleEndian(out long generation))
        {
            return false;
        }

        frame.ClusterIdHash = (ulong)clusterIdHash;
        frame.Sender = new SiloAddress(new IPEndPoint(new IPAddress(address), (ushort)port), generation);
        return true;
    }

    /// <summary>Grain types, grain keys and method signatures repeat from frame to frame: decoded once, then found by their bytes.</summary>
    /// (Their own strict decoder: static fields of the other parts of this class may not be set yet when these are.)
    private static readonly Utf8StringCache s_types = new(64, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
    private static readonly Utf8StringCache s_keys = new(4096, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
    private static readonly Utf8StringCache s_methods = new(256, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));

    private static bool TryReadString(ref SequenceReader<byte> body, FrameFields fields, FrameFields field, out string? value, Utf8StringCache? cache = null)
    {
        value = null;
        if ((fields & field) == 0)
        {
            return true;
        }

        if (!TryReadVarUInt(ref body, out var length) || length > body.Remaining)
        {
            return false;
        }

        var count = (int)length;
        if (body.UnreadSpan.Length >= count)
        {
            value = cache is null ? s_utf8.GetString(body.UnreadSpan[..count]) : cache.Get(body.UnreadSpan[..count]);
        }
        else
        {
            value = s_utf8.GetString(body.UnreadSequence.Slice(0, count));
        }

        body.Advance(count);
        return true;
    }

    private static bool TryReadVarUInt(ref SequenceReader<byte> body, out uint value)
    {
        value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (!body.TryRead(out var b))
            {
                return false;
            }

            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return shift < 28 || b <= 0x0F;
            }
        }

        return false;
    }
}
