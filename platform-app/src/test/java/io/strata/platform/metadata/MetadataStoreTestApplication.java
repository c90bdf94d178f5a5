package io.strata.platform.metadata;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import java.util.Map;
import java.util.stream.Stream;

/**
 * A Spring context with only the metadata store: JPA, Flyway and the store's beans, no Kafka broker
 * and no web server. Entities and repositories are found from this class's package. Deliberately not a
 * {@code @Configuration}, so the full application's component scan of {@code io.strata} ignores it.
 */
@EnableAutoConfiguration
@Import({JpaMetadataStore.class, MetadataTransactions.class, EmbeddedDatabaseSync.class, MetadataDatabase.class,
        BrokerHeartbeatConnection.class, PostgresIdleTransactionTimeout.class})
public class MetadataStoreTestApplication {

    /**
     * Starts a context whose datasource is given by {@code spring.datasource.*} properties. Hibernate validates
     * the entities against the schema Flyway built, on H2 and PostgreSQL alike: the platform itself skips that
     * check at start-up (it costs over a second), so these tests are where a mapping that drifted from the
     * migrations fails.
     */
    static ConfigurableApplicationContext start(Map<String, String> properties) {
        String[] args = Stream.concat(Stream.of("--spring.jpa.hibernate.ddl-auto=validate"),
                properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())).toArray(String[]::new);
        return new SpringApplicationBuilder(MetadataStoreTestApplication.class)
                .web(WebApplicationType.NONE)
                .run(args);
    }
}
