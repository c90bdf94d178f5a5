-- Controlled shutdown (KIP-841 style): a broker about to stop gracefully marks its current registration, so
-- the controller moves its leaderships and ISR places to other replicas and no leader adds it to an ISR.
-- Portable SQL (H2 and PostgreSQL).
--
-- shutting_down: set with a new row version by MetadataTransactions.requestControlledShutdown (only for the
--                registration's own broker_epoch), cleared by the broker's next registration.
ALTER TABLE brokers ADD COLUMN shutting_down BOOLEAN DEFAULT FALSE NOT NULL;
