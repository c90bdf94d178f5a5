package io.strata.engine.group;

import io.strata.engine.config.GroupConfig;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OffsetsTopicCreationTest extends GroupCoordinatorTestBase {

    @Test
    void withFewerLiveBrokersThanTheReplicationFactorTheTopicIsNotCreatedAndTheCoordinatorIsNotAvailable()
            throws Exception {
        support = new GroupCoordinatorTestSupport(dir, GroupConfig.defaults()); // RF 3, one live broker
        support.coordinator.startServing();

        assertThatThrownBy(support.coordinator::ensureOffsetsTopic)
                .isInstanceOf(CoordinatorNotAvailableException.class)
                .hasMessageContaining("offsets.topic.replication.factor is 3")
                .hasMessageContaining("only 1 broker(s) are live");
        assertThat(support.topic()).isNull();
    }

    @Test
    void withEnoughLiveBrokersTheTopicIsCreatedOnFirstUse() throws Exception {
        support = new GroupCoordinatorTestSupport(dir,
                GroupConfig.defaults().withOffsetsTopicReplicationFactor((short) 1));
        support.coordinator.startServing();

        assertThat(support.coordinator.ensureOffsetsTopic().partitions()).hasSize(GroupCoordinatorTestSupport.PARTITIONS);
        assertThat(support.topic()).isNotNull();
    }
}
