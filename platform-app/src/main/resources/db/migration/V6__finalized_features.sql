-- Finalized feature levels (KIP-584), e.g. transaction.version. Portable SQL (H2 and PostgreSQL).
--
-- feature_level: the finalized level; 0 once the feature was removed (the row stays, so the removal carries a
--                version that MetadataTransactions.changesSince reports).
-- version:       the metadata version of the change that wrote the row. The features' epoch, which ApiVersions
--                reports and clients compare, is the highest version here (-1 while the table is empty).
CREATE TABLE finalized_features (
    feature_name  VARCHAR(255) NOT NULL PRIMARY KEY,
    feature_level SMALLINT     NOT NULL,
    version       BIGINT       NOT NULL
);
CREATE INDEX ix_finalized_features_version ON finalized_features (version);
