package io.strata.engine.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TransactionConfigTest {

    @Test
    void defaultsAreKafkas() {
        TransactionConfig config = TransactionConfig.defaults();

        assertThat(config.stateLogNumPartitions()).isEqualTo(50);
        assertThat(config.stateLogReplicationFactor()).isEqualTo((short) 3);
        assertThat(config.stateLogMinIsr()).isEqualTo(2);
        assertThat(config.stateLogSegmentBytes()).isEqualTo(104_857_600);
        assertThat(config.maxTimeoutMs()).isEqualTo(900_000);
        assertThat(config.idExpirationMs()).isEqualTo(604_800_000L);
        assertThat(config.abortTimedOutCheckIntervalMs()).isEqualTo(10_000);
        assertThat(config.removeExpiredCheckIntervalMs()).isEqualTo(3_600_000);
        assertThat(BrokerConfig.defaults(Path.of("data"), 0).transactions()).isEqualTo(config);
    }

    @Test
    void theMinIsrAppliedIsCappedAtTheReplicationFactor() {
        assertThat(TransactionConfig.defaults().effectiveStateLogMinIsr()).isEqualTo(2);
        assertThat(TransactionConfig.defaults().withStateLogReplicationFactor((short) 1).effectiveStateLogMinIsr())
                .isEqualTo(1);
    }

    @Test
    void eachWitherChangesOnlyItsSetting() {
        TransactionConfig changed = TransactionConfig.defaults().withStateLogNumPartitions(3)
                .withStateLogReplicationFactor((short) 1).withMaxTimeoutMs(5_000).withIdExpirationMs(60_000)
                .withAbortTimedOutCheckIntervalMs(200).withRemoveExpiredCheckIntervalMs(300);

        assertThat(changed).isEqualTo(new TransactionConfig(3, (short) 1, 2, 104_857_600, 5_000, 60_000, 200, 300));
        assertThat(BrokerConfig.defaults(Path.of("data"), 0).withTransactions(changed).transactions())
                .isEqualTo(changed);
    }

    @Test
    void settingsBelowKafkasMinimaAreRefusedNamingTheConfig() {
        TransactionConfig d = TransactionConfig.defaults();
        assertThatIllegalArgumentException().isThrownBy(() -> d.withStateLogNumPartitions(0))
                .withMessageContaining("transaction.state.log.num.partitions");
        assertThatIllegalArgumentException().isThrownBy(() -> d.withStateLogReplicationFactor((short) 0))
                .withMessageContaining("transaction.state.log.replication.factor");
        assertThatIllegalArgumentException().isThrownBy(() -> new TransactionConfig(50, (short) 3, 0, 1, 1, 1, 1, 1))
                .withMessageContaining("transaction.state.log.min.isr");
        assertThatIllegalArgumentException().isThrownBy(() -> new TransactionConfig(50, (short) 3, 1, 0, 1, 1, 1, 1))
                .withMessageContaining("transaction.state.log.segment.bytes");
        assertThatIllegalArgumentException().isThrownBy(() -> d.withMaxTimeoutMs(0))
                .withMessageContaining("transaction.max.timeout.ms");
        assertThatIllegalArgumentException().isThrownBy(() -> d.withIdExpirationMs(0))
                .withMessageContaining("transactional.id.expiration.ms");
        assertThatIllegalArgumentException().isThrownBy(() -> d.withAbortTimedOutCheckIntervalMs(0))
                .withMessageContaining("cleanup intervals");
    }
}
