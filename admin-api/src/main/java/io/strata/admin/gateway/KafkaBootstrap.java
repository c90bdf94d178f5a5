package io.strata.admin.gateway;

/**
 * Where the HTTP layer's Kafka clients connect when {@code strata.http.bootstrap-servers} is blank: the platform
 * provides the address of the broker running in the same process, known only once its listener is bound.
 */
@FunctionalInterface
public interface KafkaBootstrap {

    /** {@code host:port[,host:port...]}; called on first use of a client, after the broker has started. */
    String bootstrapServers();
}
