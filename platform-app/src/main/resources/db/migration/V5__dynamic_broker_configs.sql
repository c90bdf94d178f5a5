-- Dynamic broker configs: Kafka's ConfigResource(BROKER, "<id>") and the cluster-wide default ConfigResource(BROKER, "").
-- Portable SQL (H2 and PostgreSQL).
--
-- broker_id:   the broker the config belongs to, or -1 for the cluster-wide default (broker ids are never negative).
-- config_name: a broker config name such as log.retention.ms; values are validated by the broker before they are stored.
-- version:     the metadata version of the replacement that wrote the row.
CREATE TABLE broker_configs (
    broker_id    INTEGER       NOT NULL,
    config_name  VARCHAR(255)  NOT NULL,
    config_value VARCHAR(8192) NOT NULL,
    version      BIGINT        NOT NULL,
    CONSTRAINT pk_broker_configs PRIMARY KEY (broker_id, config_name)
);

-- One row per resource ever altered, carrying the version of its last replacement: a replacement that removes every
-- config of a resource leaves no broker_configs row behind, so this row is what MetadataTransactions.changesSince
-- reads to learn that the broker configs changed.
CREATE TABLE broker_config_changes (
    broker_id INTEGER NOT NULL PRIMARY KEY,
    version   BIGINT  NOT NULL
);
CREATE INDEX ix_broker_config_changes_version ON broker_config_changes (version);
