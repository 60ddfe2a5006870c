using System.Buffers;
using System.Reflection;
using System.Text.Json;
using BorderGate.Actors.Invocation;
using BorderGate.Actors.Runtime;

namespace BorderGate.Actors.Cluster;

/// <summary>
/// How a grain call travels between silos: the arguments as a JSON array, each written as its parameter's declared type
/// (so a derived value is not sent as more than the callee expects); the answer as JSON of the method's result type; a
/// failure as its exception type's name and message, re-created on the caller's side when that type is loaded there and
/// takes a message. The method is named by its signature (<see cref="GrainMethodInfo.Signature"/>), stable across builds.
/// </summary>
internal sealed class RemoteCallCodec(GrainTypeRegistry registry, JsonSerializerOptions json)
{
    /// <summary>The method a signature names, or a clear error (a silo running another version of the contracts).</summary>
    public GrainMethodEntry Method(string? signature) =>
        signature is not null && registry.TryGetMethod(signature, out var method)
            ? method
            : throw new RemoteCallFormatException($"No grain method with the signature '{signature}' is known on this silo (another version of the grain contracts?).");

    public byte[] EncodeArguments(GrainMethodEntry method, object?[] arguments)
    {
        if (arguments.Length != method.ParameterTypes.Count)
        {
            throw new ArgumentException($"{method.Method.Signature} takes {method.ParameterTypes.Count} arguments, not {arguments.Length}.", nameof(arguments));
        }

        // The thread's buffer and writer, reset for each call: only the payload's own array is allocated.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        try
        {
            writer.WriteStartArray();
            for (var i = 0; i < arguments.Length; i++)
            {
                JsonSerializer.Serialize(writer, arguments[i], method.ParameterTypes[i], json);
            }

            writer.WriteEndArray();
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            if (buffer.Capacity > 64 * 1024)
            {
                // A large call's buffer is not kept for the thread's lifetime.
                t_buffer = null;
                t_writer = null;
            }
        }
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public object?[] DecodeArguments(GrainMethodEntry method, ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            Expect(ref reader, JsonTokenType.StartArray);
            var arguments = new object?[method.ParameterTypes.Count];
            for (var i = 0; i < arguments.Length; i++)
            {
                if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray)
                {
                    throw new RemoteCallFormatException($"{method.Method.Signature}: {arguments.Length} arguments expected, {i} sent.");
                }

                arguments[i] = JsonSerializer.Deserialize(ref reader, method.ParameterTypes[i], json);
            }

            if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
            {
                throw new RemoteCallFormatException($"{method.Method.Signature}: more than the {arguments.Length} arguments it takes.");
            }

            if (reader.Read())
            {
                throw new RemoteCallFormatException($"{method.Method.Signature}: data after the arguments.");
            }

            return arguments;
        }
        catch (JsonException exception)
        {
            throw new RemoteCallFormatException($"{method.Method.Signature}: the arguments cannot be read: {exception.Message}", exception);
        }
    }

    public byte[] EncodeResult(GrainMethodEntry method, object? result) =>
        JsonSerializer.SerializeToUtf8Bytes(result, method.ResultType, json);

    public TResult DecodeResult<TResult>(ReadOnlySpan<byte> payload)
    {
        try
        {
            return JsonSerializer.Deserialize<TResult>(payload, json)!;
        }
        catch (JsonException exception)
        {
            throw new RemoteCallFormatException($"The answer cannot be read as {typeof(TResult).Name}: {exception.Message}", exception);
        }
    }

    public static byte[] EncodeFailure(Exception exception) =>
        JsonSerializer.SerializeToUtf8Bytes(new RemoteFailure(exception.GetType().FullName ?? exception.GetType().Name, exception.GetType().Assembly.GetName().Name, exception.Message));

    /// <summary>The remote exception, re-created if its type is loaded here and takes a message; else a <see cref="RemoteGrainException"/>.</summary>
    public static Exception DecodeFailure(ReadOnlySpan<byte> payload, string silo)
    {
        RemoteFailure? failure;
        try
        {
            failure = JsonSerializer.Deserialize<RemoteFailure>(payload);
        }
        catch (JsonException)
        {
            failure = null;
        }

        if (failure is null)
        {
            return new RemoteGrainException($"A grain call failed on silo {silo}; its error could not be read.", null, silo);
        }

        var type = failure.Assembly is null ? null : Type.GetType($"{failure.Type}, {failure.Assembly}", throwOnError: false);
        if (type is not null && typeof(Exception).IsAssignableFrom(type)
            && type.GetConstructor(BindingFlags.Public | BindingFlags.Instance, [typeof(string)]) is { } constructor)
        {
            try
            {
                return (Exception)constructor.Invoke([failure.Message]);
            }
            catch (TargetInvocationException)
            {
                // Its constructor refused the message: reported as a remote failure below.
            }
        }

        return new RemoteGrainException($"{failure.Type} on silo {silo}: {failure.Message}", failure.Type, silo);
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (!reader.Read() || reader.TokenType != token)
        {
            throw new RemoteCallFormatException($"Expected {token} in a call's arguments.");
        }
    }

    private sealed record RemoteFailure(string Type, string? Assembly, string Message);
}

/// <summary>A call from another silo that this one cannot read: unknown method, wrong arguments.</summary>
internal sealed class RemoteCallFormatException : Exception
{
    public RemoteCallFormatException(string message) : base(message) { }

    public RemoteCallFormatException(string message, Exception inner) : base(message, inner) { }
}
