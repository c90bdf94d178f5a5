package io.strata.platform.metadata;

import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract on the embedded default: an H2 file database, as configured in application.yml. */
class H2MetadataStoreTest extends AbstractMetadataStoreTest {
    @TempDir
    static Path dataDir;

    @Override
    protected Map<String, String> datasourceProperties() {
        return Map.of("strata.data-dir", dataDir.toString());
    }

    @Override
    protected boolean forcesCommitsToDisk() {
        return true;
    }

    @Test
    void writesSurviveACrashRightAfterTheyReturn(@TempDir Path crashDir) {
        Map<String, String> properties = Map.of("strata.data-dir", crashDir.toString());
        TopicMetadata topic;
        long producerId;
        try (ConfigurableApplicationContext context = MetadataStoreTestApplication.start(properties)) {
            JdbcMetadataStore crashing = context.getBean(JdbcMetadataStore.class);
            topic = crashing.createTopic("survivor", Map.of("retention.ms", "1"),
                    List.of(new PartitionMetadata(0, 0, 0, List.of(0), List.of(0), 0)));
            producerId = crashing.allocateProducerIds(10);
            // Like kill -9: H2 closes at once and drops whatever it has not yet written to its file.
            new JdbcTemplate(context.getBean(DataSource.class)).execute("SHUTDOWN IMMEDIATELY");
        }

        try (ConfigurableApplicationContext context = MetadataStoreTestApplication.start(properties)) {
            JdbcMetadataStore recovered = context.getBean(JdbcMetadataStore.class);
            assertThat(recovered.topic("survivor")).contains(topic);
            assertThat(recovered.allocateProducerIds(1)).isGreaterThanOrEqualTo(producerId + 10);
        }
    }

    @Test
    void theEmbeddedDatabaseRefusesASecondBrokerId(@TempDir Path singleDir) {
        try (ConfigurableApplicationContext context = MetadataStoreTestApplication.start(
                Map.of("strata.data-dir", singleDir.toString()))) {
            JdbcMetadataStore single = context.getBean(JdbcMetadataStore.class);
            single.checkBrokerAllowed(0);
            single.registerBroker(new io.strata.engine.metadata.BrokerRegistration(0, "h", 9092, null));

            single.checkBrokerAllowed(0); // the same broker restarting is fine
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> single.checkBrokerAllowed(1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("embedded H2 metadata database is a one-broker cluster")
                    .hasMessageContaining("broker 0 is already registered")
                    .hasMessageContaining("PostgreSQL");
        }
    }
}
