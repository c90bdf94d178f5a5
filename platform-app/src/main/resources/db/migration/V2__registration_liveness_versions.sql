-- Broker epochs, and row versions for metadata propagation. Portable SQL (H2 and PostgreSQL).
--
-- Every change writes, in its own transaction, the version it took from the locked metadata_version row
-- into each row it inserts or updates; deletions leave a versioned tombstone. A broker holding version V
-- reads only the rows with a version above V (see MetadataTransactions.changesSince).

-- The epoch of the broker's current registration: the metadata version its registration took, so it is
-- strictly increasing across every registration of every broker.
ALTER TABLE brokers ADD COLUMN broker_epoch BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE brokers ADD COLUMN version BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE topics ADD COLUMN version BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE topic_partitions ADD COLUMN version BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE topic_configs ADD COLUMN version BIGINT DEFAULT 0 NOT NULL;

-- Rows written before this migration count as written at the current version, so a reader starting
-- from version 0 sees them.
UPDATE brokers SET version = (SELECT current_version FROM metadata_version WHERE id = 1);
UPDATE topics SET version = (SELECT current_version FROM metadata_version WHERE id = 1);
UPDATE topic_partitions SET version = (SELECT current_version FROM metadata_version WHERE id = 1);
UPDATE topic_configs SET version = (SELECT current_version FROM metadata_version WHERE id = 1);

CREATE INDEX ix_brokers_version ON brokers (version);
CREATE INDEX ix_topics_version ON topics (version);
CREATE INDEX ix_topic_partitions_version ON topic_partitions (version);
CREATE INDEX ix_topic_configs_version ON topic_configs (version);

-- Tombstones of deleted topics, kept so a broker that was behind still learns of the deletion.
CREATE TABLE deleted_topics (
    topic_id UUID   NOT NULL PRIMARY KEY,
    version  BIGINT NOT NULL
);
CREATE INDEX ix_deleted_topics_version ON deleted_topics (version);
