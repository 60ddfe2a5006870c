namespace BorderGate.Actors.Streams;

/// <summary>Gives access to the streams of one provider.</summary>
public interface IStreamProvider
{
    string Name { get; }

    IAsyncStream<T> GetStream<T>(StreamId streamId);
}
