-- BorderGate actor runtime storage on PostgreSQL: grain state (JSONB), reminders, event log.
-- Applied once by PostgresSchemaMigrator under an advisory lock (recorded in schema_version).

CREATE TABLE IF NOT EXISTS grain_state (
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    state_name  text        NOT NULL,
    etag        text        NOT NULL,
    state       jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (grain_type, grain_key, state_name)
);

CREATE TABLE IF NOT EXISTS reminders (
    grain_type     text        NOT NULL,
    grain_key      text        NOT NULL,
    reminder_name  text        NOT NULL,
    grain_hash     bigint      NOT NULL CHECK (grain_hash BETWEEN 0 AND 4294967295), -- GrainId.GetUniformHashCode()
    start_at       timestamptz NOT NULL,
    period         interval    NOT NULL,
    etag           text        NOT NULL,
    PRIMARY KEY (grain_type, grain_key, reminder_name)
);

CREATE INDEX IF NOT EXISTS ix_reminders_grain_hash ON reminders (grain_hash);

-- One row per stream: its last sequence. Taking the next number updates this row in the same transaction
-- as the insert, so concurrent appenders queue on the row lock and a rolled-back append leaves no gap.
CREATE TABLE IF NOT EXISTS event_streams (
    stream_namespace  text   NOT NULL,
    stream_key        text   NOT NULL,
    last_sequence     bigint NOT NULL,
    PRIMARY KEY (stream_namespace, stream_key)
);

CREATE TABLE IF NOT EXISTS event_log (
    stream_namespace  text        NOT NULL,
    stream_key        text        NOT NULL,
    sequence          bigint      NOT NULL,
    event_type        text        NOT NULL,
    payload           jsonb       NOT NULL,
    occurred_at       timestamptz NOT NULL,
    PRIMARY KEY (stream_namespace, stream_key, sequence)
);
