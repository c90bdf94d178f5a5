package io.strata.engine.txn;

import io.strata.engine.config.TopicConfigs;
import io.strata.engine.config.TransactionConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

class TransactionStateTopicTest {

    @Test
    void anIdMapsToItsHashCodeModuloThePartitions() {
        assertThat("my-txn".hashCode()).isEqualTo(-1_061_187_895);
        assertThat(TransactionStateTopic.partitionFor("my-txn", 50)).isEqualTo(45);
        assertThat(TransactionStateTopic.partitionFor("a", 50)).isEqualTo(47);
        assertThat(TransactionStateTopic.partitionFor("", 50)).isZero();
        assertThat(TransactionStateTopic.partitionFor("my-txn", 1)).isZero();
    }

    @Test
    void anIdHashingToIntegerMinValueMapsToPartitionZeroAsWithKafkasUtilsAbs() {
        assertThat("polygenelubricants".hashCode()).isEqualTo(Integer.MIN_VALUE);
        assertThat(TransactionStateTopic.partitionFor("polygenelubricants", 50)).isZero();
        assertThat(TransactionStateTopic.partitionFor("polygenelubricants", 7)).isZero();
    }

    @Test
    void everyIdMapsIntoRange() {
        for (int i = 0; i < 1_000; i++) {
            assertThat(TransactionStateTopic.partitionFor("txn-" + i * 7919, 50)).isBetween(0, 49);
        }
        assertThatIllegalArgumentException().isThrownBy(() -> TransactionStateTopic.partitionFor("t", 0));
    }

    @Test
    void theTopicIsCompactedUncompressedAndItsMinIsrNeverExceedsItsReplicationFactor() {
        Map<String, String> single = TransactionStateTopic.topicConfigs(TransactionConfig.defaults()
                .withStateLogReplicationFactor((short) 1));
        Map<String, String> cluster = TransactionStateTopic.topicConfigs(TransactionConfig.defaults());

        assertThat(single).containsEntry("cleanup.policy", "compact").containsEntry("compression.type", "uncompressed")
                .containsEntry("segment.bytes", "104857600").containsEntry("min.insync.replicas", "1")
                .containsEntry("unclean.leader.election.enable", "false");
        assertThat(cluster).containsEntry("min.insync.replicas", "2");
        assertThatNoException().isThrownBy(() -> TopicConfigs.validate(cluster));
        assertThat(TransactionStateTopic.NAME).isEqualTo("__transaction_state");
    }
}
