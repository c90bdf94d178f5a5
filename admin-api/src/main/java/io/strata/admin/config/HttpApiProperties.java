package io.strata.admin.config;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.Map;

/**
 * Everything under {@code strata.http.*}: how the HTTP layer reaches the cluster (it is only a Kafka client of
 * it) and the limits it applies to requests.
 *
 * @param bootstrapServers      Kafka bootstrap servers of the cluster; blank means the broker of this process
 *                              (required when {@code strata.broker.enabled=false})
 * @param maxRequestSize        largest request body accepted (413 above it); the streaming produce endpoint
 *                              applies it to each record of the stream instead of to the whole body
 * @param requestTimeout        how long one admin call waits for the cluster before it fails with a 5xx
 * @param consumerInstanceTimeout how long an idle v2 consumer instance lives ({@code consumer.instance.timeout.ms})
 * @param consumerInstanceLease how long a node owns a v2 consumer instance without renewing (renewed every third
 *                              of it); other nodes take the instance over only once the lease has lapsed
 * @param nodeId                this HTTP node's id in the consumer instance directory; blank: random per start
 * @param advertisedUrl         the base URL other nodes forward this node's instances' requests to; blank:
 *                              {@code http://<local host address>:<server port>}
 * @param produceBatchMaxEntries  most records one v3 {@code records:batch} request may carry
 * @param admin                 extra kafka-clients Admin settings, e.g. security for a secured listener
 * @param producer              settings of the one shared producer, over the defaults in {@code KafkaGateway}
 * @param consumer              settings of every HTTP consumer, over the defaults in {@code KafkaGateway}
 */
@ConfigurationProperties("strata.http")
@Validated
public record HttpApiProperties(
        String bootstrapServers,
        @DefaultValue("8MB") @NotNull DataSize maxRequestSize,
        @DefaultValue("30s") @NotNull Duration requestTimeout,
        @DefaultValue("5m") @NotNull Duration consumerInstanceTimeout,
        @DefaultValue("15s") @NotNull Duration consumerInstanceLease,
        String nodeId,
        String advertisedUrl,
        @DefaultValue("1000") @jakarta.validation.constraints.Min(1) int produceBatchMaxEntries,
        Map<String, String> admin,
        Map<String, String> producer,
        Map<String, String> consumer) {

    public HttpApiProperties {
        admin = admin == null ? Map.of() : Map.copyOf(admin);
        producer = producer == null ? Map.of() : Map.copyOf(producer);
        consumer = consumer == null ? Map.of() : Map.copyOf(consumer);
    }
}
