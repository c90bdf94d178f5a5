-- Cluster metadata schema. Portable SQL: runs unchanged on H2 (embedded default) and PostgreSQL.

-- Single row (id = 1); cluster_id is claimed by the first broker with a compare-and-set update.
CREATE TABLE cluster_info (
    id         INTEGER     NOT NULL PRIMARY KEY,
    cluster_id VARCHAR(64)
);
INSERT INTO cluster_info (id, cluster_id) VALUES (1, NULL);

-- Single row bumped by every metadata change; its row lock serializes writers across brokers.
CREATE TABLE metadata_version (
    id              INTEGER NOT NULL PRIMARY KEY,
    current_version BIGINT  NOT NULL
);
INSERT INTO metadata_version (id, current_version) VALUES (1, 0);

-- Single row: the next producer id not yet handed out.
CREATE TABLE producer_id_block (
    id      INTEGER NOT NULL PRIMARY KEY,
    next_id BIGINT  NOT NULL
);
INSERT INTO producer_id_block (id, next_id) VALUES (1, 0);

CREATE TABLE brokers (
    broker_id      INTEGER                  NOT NULL PRIMARY KEY,
    host           VARCHAR(255)             NOT NULL,
    port           INTEGER                  NOT NULL,
    rack           VARCHAR(255),
    registered_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_heartbeat TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE topics (
    topic_id UUID         NOT NULL PRIMARY KEY,
    name     VARCHAR(249) NOT NULL,
    CONSTRAINT uk_topics_name UNIQUE (name)
);

-- replicas and isr are comma-separated broker ids in preference order.
CREATE TABLE topic_partitions (
    topic_id        UUID          NOT NULL,
    partition_index INTEGER       NOT NULL,
    leader          INTEGER       NOT NULL,
    leader_epoch    INTEGER       NOT NULL,
    replicas        VARCHAR(4000) NOT NULL,
    isr             VARCHAR(4000) NOT NULL,
    partition_epoch INTEGER       NOT NULL,
    CONSTRAINT pk_topic_partitions PRIMARY KEY (topic_id, partition_index),
    CONSTRAINT fk_topic_partitions_topic FOREIGN KEY (topic_id) REFERENCES topics (topic_id) ON DELETE CASCADE
);

CREATE TABLE topic_configs (
    topic_id     UUID          NOT NULL,
    config_name  VARCHAR(255)  NOT NULL,
    config_value VARCHAR(8192) NOT NULL,
    CONSTRAINT pk_topic_configs PRIMARY KEY (topic_id, config_name),
    CONSTRAINT fk_topic_configs_topic FOREIGN KEY (topic_id) REFERENCES topics (topic_id) ON DELETE CASCADE
);
