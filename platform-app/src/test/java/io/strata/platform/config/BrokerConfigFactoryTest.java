package io.strata.platform.config;

import io.strata.engine.config.GroupConfig;
import io.strata.engine.config.LogManagerConfig;
import io.strata.engine.config.BrokerConfig;
import io.strata.engine.config.ReplicationConfig;
import io.strata.engine.config.TransactionConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BrokerConfigFactoryTest {

    @Test
    void defaultsAreASingleNodeOnPort9092() {
        BrokerConfig config = BrokerConfigFactory.create(bind(Map.of()));

        assertThat(config.brokerId()).isZero();
        assertThat(config.listenerHost()).isEqualTo("0.0.0.0");
        assertThat(config.listenerPort()).isEqualTo(9092);
        assertThat(config.advertisedHost()).isEqualTo("localhost");
        assertThat(config.advertisedPort()).isZero();
        assertThat(config.rack()).isNull();
        assertThat(config.dataDir()).isEqualTo(Path.of("./data").toAbsolutePath().normalize().resolve("logs"));
        assertThat(config.socketRequestMaxBytes()).isEqualTo(BrokerConfig.DEFAULT_SOCKET_REQUEST_MAX_BYTES);
        assertThat(config.numIoThreads()).isEqualTo(8);
        assertThat(config.numNetworkThreads()).isEqualTo(2);
        assertThat(config.defaultNumPartitions()).isEqualTo(1);
        assertThat(config.defaultReplicationFactor()).isEqualTo((short) 1);
        assertThat(config.autoCreateTopics()).isTrue();
        assertThat(config.logDefaults()).isEmpty();
        assertThat(config.groups().offsetsTopicReplicationFactor()).isEqualTo((short) 1);
        assertThat(config.replication()).isEqualTo(ReplicationConfig.defaults());
        assertThat(config.transactions()).isEqualTo(TransactionConfig.defaults()
                .withStateLogReplicationFactor((short) 1));
    }

    @Test
    void applicationYmlStatesTheSameDefaultsAsTheCode() throws IOException {
        List<PropertySource<?>> yaml = new YamlPropertySourceLoader()
                .load("application.yml", new ClassPathResource("application.yml"));
        StrataProperties fromYaml = new Binder(ConfigurationPropertySources.from(yaml))
                .bindOrCreate("strata", StrataProperties.class);

        assertThat(BrokerConfigFactory.create(fromYaml)).isEqualTo(BrokerConfigFactory.create(bind(Map.of())));
    }

    @Test
    void everyPropertyReachesTheBrokerConfig() {
        BrokerConfig config = BrokerConfigFactory.create(bind(Map.ofEntries(
                Map.entry("strata.data-dir", "/var/lib/strata"),
                Map.entry("strata.broker.id", "3"),
                Map.entry("strata.broker.rack", "eu-1a"),
                Map.entry("strata.kafka.host", "127.0.0.1"),
                Map.entry("strata.broker.controlled-shutdown-timeout", "12s"),
                Map.entry("strata.kafka.port", "19092"),
                Map.entry("strata.kafka.advertised-host", "broker-3.example"),
                Map.entry("strata.kafka.advertised-port", "29092"),
                Map.entry("strata.kafka.socket-request-max-bytes", "2MB"),
                Map.entry("strata.kafka.io-threads", "4"),
                Map.entry("strata.kafka.network-threads", "3"),
                Map.entry("strata.topics.default-partitions", "6"),
                Map.entry("strata.topics.default-replication-factor", "3"),
                Map.entry("strata.topics.auto-create", "false"),
                Map.entry("strata.log-defaults.[segment.bytes]", "1048576"),
                Map.entry("strata.log-defaults.[retention.ms]", "60000"))));

        assertThat(config).isEqualTo(new BrokerConfig(3, "127.0.0.1", 19092, "broker-3.example", 29092, "eu-1a",
                Path.of("/var/lib/strata/logs"), 2 * 1024 * 1024, 4, 3, 6, (short) 3, false,
                Map.of("segment.bytes", "1048576", "retention.ms", "60000"),
                GroupConfig.defaults().withOffsetsTopicReplicationFactor((short) 1))
                .withControlledShutdownTimeoutMs(12_000)
                .withTransactions(TransactionConfig.defaults().withStateLogReplicationFactor((short) 1)));
    }

    @Test
    void aSpecificBindAddressIsAdvertisedAsIs() {
        BrokerConfig config = BrokerConfigFactory.create(bind(Map.of("strata.kafka.host", "127.0.0.1")));

        assertThat(config.advertisedHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void unknownOrInvalidLogDefaultsFailWithThePropertyName() {
        assertThatThrownBy(() -> BrokerConfigFactory.create(bind(Map.of("strata.log-defaults.[no.such.config]", "1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strata.log-defaults").hasMessageContaining("no.such.config");
        assertThatThrownBy(() -> BrokerConfigFactory.create(bind(Map.of("strata.log-defaults.[segment.bytes]", "big"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("segment.bytes");
    }

    @Test
    void socketRequestMaxBytesMustFitAnInt() {
        assertThatThrownBy(() -> BrokerConfigFactory.create(bind(Map.of("strata.kafka.socket-request-max-bytes", "4GB"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strata.kafka.socket-request-max-bytes");
    }

    @Test
    void zeroFillAheadIsOnByDefaultAndZeroTurnsItOff() {
        assertThat(BrokerConfigFactory.create(bind(Map.of())).logManager().zeroFillAheadBytes())
                .isEqualTo(LogManagerConfig.DEFAULT_ZERO_FILL_AHEAD_BYTES);
        assertThat(BrokerConfigFactory.create(bind(Map.of("strata.log.zero-fill-ahead", "1MB"))).logManager()
                .zeroFillAheadBytes()).isEqualTo(1024 * 1024);
        assertThat(BrokerConfigFactory.create(bind(Map.of("strata.log.zero-fill-ahead", "0"))).logManager()
                .zeroFillAheadBytes()).isZero();
        assertThatThrownBy(() -> BrokerConfigFactory.create(bind(Map.of("strata.log.zero-fill-ahead", "-1MB"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("strata.log.zero-fill-ahead");
    }

    @Test
    void groupPropertiesReachTheGroupConfig() {
        BrokerConfig config = BrokerConfigFactory.create(bind(Map.of(
                "strata.groups.offsets-topic-partitions", "12",
                "strata.groups.offsets-topic-replication-factor", "1",
                "strata.groups.initial-rebalance-delay", "250ms",
                "strata.groups.min-session-timeout", "2s",
                "strata.groups.max-session-timeout", "5m",
                "strata.groups.max-size", "100",
                "strata.groups.offset-metadata-max-bytes", "512",
                "strata.groups.offsets-retention", "2d",
                "strata.groups.offsets-retention-check-interval", "1m",
                "strata.groups.coordinator-threads", "3")));

        assertThat(config.groups()).isEqualTo(new GroupConfig(12, (short) 1,
                GroupConfig.defaults().offsetsTopicSegmentBytes(), 250, 2_000, 300_000, 100, 512, 2 * 24 * 60, 60_000,
                3));
    }

    @Test
    void inconsistentGroupTimeoutsFailWithThePropertyPrefix() {
        assertThatThrownBy(() -> BrokerConfigFactory.create(bind(Map.of(
                "strata.groups.min-session-timeout", "1h", "strata.groups.max-session-timeout", "30m"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strata.groups").hasMessageContaining("session.timeout");
    }

    @Test
    void replicationPropertiesReachTheReplicationConfig() {
        BrokerConfig config = BrokerConfigFactory.create(bind(Map.of(
                "strata.replication.replica-lag-time-max", "10s",
                "strata.replication.replica-fetch-wait-max", "250ms",
                "strata.replication.replica-fetch-min-bytes", "1KB",
                "strata.replication.replica-fetch-max-bytes", "4MB",
                "strata.replication.replica-fetch-response-max-bytes", "20MB",
                "strata.replication.replica-fetch-backoff", "200ms",
                "strata.replication.replica-socket-timeout", "15s",
                "strata.replication.num-replica-fetchers", "1")));

        assertThat(config.replication()).isEqualTo(new ReplicationConfig(10_000, 250, 1024, 4 * 1024 * 1024,
                20 * 1024 * 1024, 200, 15_000, 1));
    }

    @Test
    void moreThanOneReplicaFetcherIsRefusedSayingWhy() {
        assertThatThrownBy(() -> BrokerConfigFactory.create(bind(Map.of("strata.replication.num-replica-fetchers", "4"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strata.replication.num-replica-fetchers must be 1")
                .hasMessageContaining("one fetcher thread per source broker").hasMessageContaining("got 4");
    }

    @Test
    void aReplicaSocketTimeoutShorterThanTheFetchWaitIsRefused() {
        assertThatThrownBy(() -> BrokerConfigFactory.create(bind(Map.of(
                "strata.replication.replica-fetch-wait-max", "5s", "strata.replication.replica-socket-timeout", "2s"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strata.replication.replica-socket-timeout")
                .hasMessageContaining("strata.replication.replica-fetch-wait-max");
    }

    @Test
    void replicationSizesAndTimesMustFitTheEngine() {
        assertThatThrownBy(() -> BrokerConfigFactory.create(bind(Map.of("strata.replication.replica-fetch-max-bytes", "3GB"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strata.replication.replica-fetch-max-bytes");
        assertThatThrownBy(() -> BrokerConfigFactory.create(bind(Map.of("strata.replication.replica-lag-time-max", "0s"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strata.replication.replica-lag-time-max");
    }

    @Test
    void transactionPropertiesReachTheTransactionConfig() {
        BrokerConfig config = BrokerConfigFactory.create(bind(Map.of(
                "strata.transactions.state-log-num-partitions", "12",
                "strata.transactions.state-log-replication-factor", "3",
                "strata.transactions.state-log-min-isr", "1",
                "strata.transactions.state-log-segment-bytes", "10MB",
                "strata.transactions.max-timeout", "2m",
                "strata.transactions.transactional-id-expiration", "1d",
                "strata.transactions.abort-timed-out-transaction-cleanup-interval", "200ms",
                "strata.transactions.remove-expired-transaction-cleanup-interval", "5m",
                "strata.transactions.partition-verification", "false")));

        assertThat(config.transactions()).isEqualTo(new TransactionConfig(12, (short) 3, 1, 10 * 1024 * 1024,
                120_000, 24 * 3600 * 1000L, 200, 300_000, false));
    }

    @Test
    void transactionTimesAndSizesTheEngineCannotRunAreRefusedNamingTheProperty() {
        assertThatThrownBy(() -> BrokerConfigFactory.create(bind(Map.of("strata.transactions.max-timeout", "0s"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strata.transactions.max-timeout");
        assertThatThrownBy(() -> BrokerConfigFactory.create(bind(Map.of("strata.transactions.max-timeout", "30d"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strata.transactions.max-timeout");
        assertThatThrownBy(() -> BrokerConfigFactory.create(bind(Map.of(
                "strata.transactions.state-log-segment-bytes", "3GB"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strata.transactions.state-log-segment-bytes");
        assertThatThrownBy(() -> BrokerConfigFactory.create(bind(Map.of(
                "strata.transactions.transactional-id-expiration", "0s"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strata.transactions.transactional-id-expiration");
        assertThatThrownBy(() -> BrokerConfigFactory.create(bind(Map.of(
                "strata.transactions.abort-timed-out-transaction-cleanup-interval", "0ms"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strata.transactions.abort-timed-out-transaction-cleanup-interval");
    }

    private static StrataProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("strata", StrataProperties.class);
    }
}
