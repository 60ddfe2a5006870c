-- Cluster membership (IMembershipTable). One version row per cluster: every change to a silo's status or votes
-- advances it in the same transaction, and only from the version it was decided on, so the cluster's changes are
-- totally ordered. One row per silo incarnation (address + generation); its lease (i_am_alive_at) is renewed on the
-- database's clock without touching the version.

CREATE TABLE IF NOT EXISTS membership_version (
    cluster_id  text        PRIMARY KEY,
    version     bigint      NOT NULL,
    changed_at  timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS membership_silos (
    cluster_id     text        NOT NULL REFERENCES membership_version (cluster_id),
    address        text        NOT NULL,                         -- host:port of the silo-to-silo listener
    generation     bigint      NOT NULL CHECK (generation > 0),  -- a restart is a new, larger generation
    status         smallint    NOT NULL CHECK (status BETWEEN 1 AND 4), -- joining, active, shutting down, dead
    host_name      text        NOT NULL,
    started_at     timestamptz NOT NULL,
    i_am_alive_at  timestamptz NOT NULL,
    suspicions     jsonb       NOT NULL DEFAULT '[]'::jsonb,     -- [{"voter": "host:port@generation", "at": "..."}]
    etag           text        NOT NULL,
    PRIMARY KEY (cluster_id, address, generation)
);

-- The grain directory: one row per active grain, naming the silo incarnation that registered it first. A silo activates
-- a grain only once the row is its own; rows of dead silos are released (or taken over) by the survivors.
CREATE TABLE IF NOT EXISTS grain_directory (
    cluster_id     text        NOT NULL,
    grain_type     text        NOT NULL,
    grain_key      text        NOT NULL,
    address        text        NOT NULL,
    generation     bigint      NOT NULL,
    registered_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cluster_id, grain_type, grain_key)
);

CREATE INDEX IF NOT EXISTS ix_grain_directory_silo ON grain_directory (cluster_id, address, generation);
