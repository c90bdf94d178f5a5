-- The controller lease: one row, taken by compare-and-set under its row lock (SELECT ... FOR UPDATE).
-- Portable SQL (H2 and PostgreSQL).
--
-- holder_broker_id: the broker holding the lease (NULL before anyone took it).
-- controller_epoch: incremented by every acquisition; controller writes check it in their own transaction.
-- renewed_at:       the database clock at the last acquisition or renewal (clock_timestamp() on PostgreSQL).
-- lease_ms:         how long the holder's lease lasts after renewed_at (its broker session timeout); the lease
--                   has expired when the database clock has passed renewed_at + lease_ms.
CREATE TABLE controller_lease (
    id               INT    NOT NULL PRIMARY KEY,
    holder_broker_id INT,
    controller_epoch BIGINT NOT NULL,
    renewed_at       TIMESTAMP WITH TIME ZONE,
    lease_ms         BIGINT NOT NULL,
    CONSTRAINT ck_controller_lease_single_row CHECK (id = 1)
);
INSERT INTO controller_lease (id, holder_broker_id, controller_epoch, renewed_at, lease_ms) VALUES (1, NULL, 0, NULL, 0);
