package io.strata.engine.metadata;

/** A broker as registered in the metadata store: its id and the listener clients are told to use. */
public record BrokerRegistration(int brokerId, String host, int port, String rack) {
}
