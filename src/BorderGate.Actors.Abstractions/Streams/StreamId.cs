namespace BorderGate.Actors.Streams;

/// <summary>The identity of a stream: a namespace (such as <c>truck</c>) and a key within it.</summary>
public readonly record struct StreamId
{
    public StreamId(string @namespace, string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(@namespace);
        ArgumentException.ThrowIfNullOrEmpty(key);
        Namespace = @namespace;
        Key = key;
    }

    public string Namespace { get; }

    public string Key { get; }

    public override string ToString() => $"{Namespace}/{Key}";
}
