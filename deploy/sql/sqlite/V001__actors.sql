-- BorderGate actor runtime storage on SQLite: grain state, reminders, event log.
-- Applied once by SqliteSchemaMigrator (recorded in schema_version).

CREATE TABLE IF NOT EXISTS grain_state (
    state_name  TEXT    NOT NULL,
    grain_type  TEXT    NOT NULL,
    grain_key   TEXT    NOT NULL,
    etag        TEXT    NOT NULL,
    json        TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (grain_type, grain_key, state_name)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS reminders (
    grain_type     TEXT    NOT NULL,
    grain_key      TEXT    NOT NULL,
    reminder_name  TEXT    NOT NULL,
    grain_hash     INTEGER NOT NULL, -- GrainId.GetUniformHashCode(), 0..4294967295
    start_at       TEXT    NOT NULL, -- ISO 8601 with offset
    period_ticks   INTEGER NOT NULL,
    etag           TEXT    NOT NULL,
    PRIMARY KEY (grain_type, grain_key, reminder_name)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS ix_reminders_grain_hash ON reminders (grain_hash);

CREATE TABLE IF NOT EXISTS event_log (
    stream_namespace  TEXT    NOT NULL,
    stream_key        TEXT    NOT NULL,
    sequence          INTEGER NOT NULL,
    event_type        TEXT    NOT NULL,
    payload           TEXT    NOT NULL,
    occurred_at       TEXT    NOT NULL, -- ISO 8601 with offset
    PRIMARY KEY (stream_namespace, stream_key, sequence)
) WITHOUT ROWID;
