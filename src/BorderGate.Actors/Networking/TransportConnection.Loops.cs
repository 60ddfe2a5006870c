using System.Buffers;
using System.Net.Sockets;
using BorderGate.Actors.Diagnostics;

namespace BorderGate.Actors.Networking;

internal abstract partial class TransportConnection
{
    private async Task ReadLoopAsync()
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync();
                if (result.IsCanceled || IsClosed)
                {
                    break;
                }

                Volatile.Write(ref _lastReceivedTimestamp, TimeProvider.GetTimestamp());
                var buffer = result.Buffer;
                var frames = 0;
                while (true)
                {
                    var status = FrameCodec.TryRead(ref buffer, Options.MaxFrameSize, out var frame);
                    if (status == FrameReadStatus.Incomplete)
                    {
                        break;
                    }

                    if (status != FrameReadStatus.Frame)
                    {
                        Reject(RejectionReasons.For(status), Frame.ErrorTo(0, TransportErrorCode.Protocol, $"Rejected: {RejectionReasons.For(status)}."));
                        return;
                    }

                    frames++;
                    var handled = OnFrameAsync(frame!);
                    if (!handled.IsCompletedSuccessfully)
                    {
                        await handled;
                    }

                    if (IsClosed)
                    {
                        return;
                    }
                }

                ActorDiagnostics.TransportFramesReceived.Add(frames, _directionTag);
                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        Reject(RejectionReasons.Truncated, goodbye: null);
                        return;
                    }

                    error = new IOException($"{RemoteEndPoint} closed the connection.");
                    break;
                }

                _input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            error = e;
        }
        catch (Exception e)
        {
            SiloTransport.LogConnectionFault(Logger, RemoteEndPoint, e);
            error = e;
        }
        finally
        {
            if (Volatile.Read(ref _state) == OpenState)
            {
                Close(error);
            }

            await _input.CompleteAsync();
            LoopEnded();
        }
    }

    /// <summary>An urgent frame if one waits (one read of a counter per frame written when none does).</summary>
    private bool TryTakeUrgent(out OutgoingFrame item)
    {
        if (Volatile.Read(ref _urgentCount) != 0 && _urgent.TryDequeue(out item))
        {
            Interlocked.Decrement(ref _urgentCount);
            return true;
        }

        item = default;
        return false;
    }

    private async Task WriteLoopAsync()
    {
        Exception? error = null;
        var queue = _outgoing.Reader;
        try
        {
            while (true)
            {
                Interlocked.Exchange(ref _writerIdle, 1);
                if (Volatile.Read(ref _urgentCount) == 0 && !await queue.WaitToReadAsync())
                {
                    break;
                }

                Volatile.Write(ref _writerIdle, 0);
                var frames = 0;
                var unflushed = 0;
                while (Volatile.Read(ref _state) != ClosedState && (TryTakeUrgent(out var item) || queue.TryRead(out item)))
                {
                    if (item.Frame is null)
                    {
                        // The wake-up an urgent frame left in the queue.
                        continue;
                    }

                    FrameCodec.Write(_output, item.Frame, item.Length);
                    frames++;
                    unflushed += item.Length;
                    if (unflushed >= FlushThreshold)
                    {
                        unflushed = 0;
                        if ((await _output.FlushAsync()).IsCanceled)
                        {
                            return;
                        }
                    }
                }

                ActorDiagnostics.TransportFramesSent.Add(frames, _directionTag);
                var flushed = await _output.FlushAsync();
                if (flushed.IsCanceled || flushed.IsCompleted || Volatile.Read(ref _state) == ClosedState)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            error = e;
        }
        catch (Exception e)
        {
            SiloTransport.LogConnectionFault(Logger, RemoteEndPoint, e);
            error = e;
        }
        finally
        {
            // The queue ends only when the connection closes or a rejection's goodbye went out.
            Close(error);
            AssertClosed();
            try
            {
                await _output.CompleteAsync();
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                // The socket is gone; nothing left to flush.
            }

            LoopEnded();
        }
    }
}
