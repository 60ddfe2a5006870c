using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BorderGate.Actors.Diagnostics;
using BorderGate.Actors.Storage;

namespace BorderGate.Actors.State;

/// <summary>Loaded by the activation before <see cref="Grain.OnActivateAsync"/>.</summary>
internal interface IPersistentStateLoader
{
    Task LoadAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A grain's persistent state over an <see cref="IGrainStorage"/>. Keeps the JSON last stored, so that a
/// failed write (lost race, storage outage, unserializable value) puts <see cref="State"/> back to what
/// storage holds: the activation never serves a value that was not stored. A write that failed on a storage error may
/// have been stored all the same (the commit reached the database, its answer was lost with the connection): before the
/// next write the record is read back, and if it holds exactly that failed write, its ETag is taken over, so the next
/// write (which carries every acknowledged change, not the failed one) replaces it instead of failing on a stale ETag
/// for as long as the activation lives.
/// </summary>
internal sealed class PersistentState<TState> : IPersistentState<TState>, IPersistentStateLoader
    where TState : new()
{
    private readonly string _stateName;
    private readonly string _storageName;
    private readonly GrainId _grainId;
    private readonly IGrainStorage _storage;
    private readonly JsonTypeInfo<TState> _typeInfo;
    private ReadOnlyMemory<byte> _storedJson;

    /// <summary>The JSON of a write that failed on a storage error: stored or not, the next write finds out first.</summary>
    private ReadOnlyMemory<byte> _unconfirmedJson;

    public PersistentState(string stateName, string storageName, GrainId grainId, IGrainStorage storage, JsonSerializerOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateName);
        _stateName = stateName;
        _storageName = storageName;
        _grainId = grainId;
        _storage = storage;
        options.MakeReadOnly(populateMissingResolver: true);
        _typeInfo = (JsonTypeInfo<TState>)options.GetTypeInfo(typeof(TState));
        State = new TState();
    }

    public TState State { get; set; }

    public string? ETag { get; private set; }

    public bool RecordExists => ETag is not null;

    public Task LoadAsync(CancellationToken cancellationToken) => ReadStateAsync(cancellationToken);

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        GrainStateRecord? record;
        try
        {
            record = await _storage.ReadAsync(_stateName, _grainId, cancellationToken);
        }
        finally
        {
            RecordDuration("read", started);
        }

        _unconfirmedJson = default;
        if (record is null)
        {
            State = new TState();
            ETag = null;
            _storedJson = default;
            return;
        }

        State = Deserialize(record.Json);
        ETag = record.ETag;
        _storedJson = record.Json;
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        byte[] json;
        try
        {
            json = JsonSerializer.SerializeToUtf8Bytes(State, _typeInfo);
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or InvalidOperationException)
        {
            RevertToStored();
            throw new GrainStateSerializationException(
                $"State '{_stateName}' of grain {_grainId} ({typeof(TState).Name}) cannot be serialized to JSON; nothing was written: {exception.Message}", exception);
        }

        if (ActorDiagnostics.StorageWriteSize.Enabled)
        {
            ActorDiagnostics.StorageWriteSize.Record(json.Length, new KeyValuePair<string, object?>(ActorDiagnostics.StateNameTag, _stateName));
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await ConfirmFailedWriteAsync(cancellationToken);
            ETag = await _storage.WriteAsync(_stateName, _grainId, json, ETag, cancellationToken);
            _storedJson = json;
        }
        catch (Exception exception)
        {
            // A storage error: stored or not, the next write reads the record back first (unless this was the read-back
            // itself failing, which leaves the earlier failed write to be confirmed).
            if (exception is GrainStorageException && _unconfirmedJson.IsEmpty)
            {
                _unconfirmedJson = json;
            }

            RevertToStored();
            throw;
        }
        finally
        {
            RecordDuration("write", started);
        }
    }

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await ConfirmFailedWriteAsync(cancellationToken);
            await _storage.ClearAsync(_stateName, _grainId, ETag, cancellationToken);
        }
        catch
        {
            RevertToStored();
            throw;
        }
        finally
        {
            RecordDuration("clear", started);
        }

        ETag = null;
        _storedJson = default;
        State = new TState();
    }

    /// <summary>
    /// After a write that failed on a storage error: if the record holds exactly that write (it was stored after all), its
    /// ETag becomes the one the next write expects; if it still holds what this activation stored, nothing changes; if
    /// anything else, the next write fails on the ETag as it should (another writer). A failed read-back leaves it to the
    /// next write to try again.
    /// </summary>
    private async Task ConfirmFailedWriteAsync(CancellationToken cancellationToken)
    {
        if (_unconfirmedJson.IsEmpty)
        {
            return;
        }

        var record = await _storage.ReadAsync(_stateName, _grainId, cancellationToken);
        if (record is not null && record.ETag != ETag && SameState(record.Json, _unconfirmedJson))
        {
            ETag = record.ETag;
            _storedJson = record.Json;
        }

        _unconfirmedJson = default;
    }

    /// <summary>Whether two JSON documents hold the same state (a database may store JSON in a normal form of its own).</summary>
    private bool SameState(ReadOnlyMemory<byte> stored, ReadOnlyMemory<byte> written)
    {
        try
        {
            return JsonSerializer.SerializeToUtf8Bytes(Deserialize(stored), _typeInfo).AsSpan()
                .SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(Deserialize(written), _typeInfo));
        }
        catch (GrainStateSerializationException)
        {
            return false;
        }
    }

    private void RevertToStored() => State = _storedJson.IsEmpty ? new TState() : Deserialize(_storedJson);

    private TState Deserialize(ReadOnlyMemory<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize(json.Span, _typeInfo) ?? new TState();
        }
        catch (JsonException exception)
        {
            throw new GrainStateSerializationException(
                $"Stored state '{_stateName}' of grain {_grainId} is not valid JSON for {typeof(TState).Name}: {exception.Message}", exception);
        }
    }

    private void RecordDuration(string operation, long started)
    {
        if (ActorDiagnostics.StorageDuration.Enabled)
        {
            ActorDiagnostics.StorageDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                new KeyValuePair<string, object?>(ActorDiagnostics.StorageOperationTag, operation),
                new KeyValuePair<string, object?>(ActorDiagnostics.StorageProviderTag, _storageName));
        }
    }
}
