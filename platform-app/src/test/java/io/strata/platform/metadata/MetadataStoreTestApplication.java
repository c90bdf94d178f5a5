package io.strata.platform.metadata;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import java.util.Map;

/**
 * A Spring context with only the metadata store: the datasource, Flyway and the store's beans, no Kafka
 * broker and no web server. Deliberately not a
 * {@code @Configuration}, so the full application's component scan of {@code io.strata} ignores it.
 */
@EnableAutoConfiguration
@Import({JdbcMetadataStore.class, MetadataTransactions.class, EmbeddedDatabaseSync.class, MetadataDatabase.class,
        BrokerHeartbeatConnection.class, PostgresIdleTransactionTimeout.class})
public class MetadataStoreTestApplication {

    /** Starts a context whose datasource is given by {@code spring.datasource.*} properties. */
    static ConfigurableApplicationContext start(Map<String, String> properties) {
        String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(MetadataStoreTestApplication.class)
                .web(WebApplicationType.NONE)
                .run(args);
    }
}
