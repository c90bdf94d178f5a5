package io.strata.admin.v2;

import io.strata.admin.error.RestException;
import io.strata.admin.service.consumer.ConsumerInstanceDefinition;
import io.strata.admin.service.consumer.RecordFormat;
import io.strata.admin.v2.model.V2CreateConsumerRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class V2ConsumerConfigsTest {

    @Test
    void anEmptyRequestGetsKafkaRestsDefaultsAndAGeneratedName() {
        ConsumerInstanceDefinition d = V2ConsumerConfigs.definition("g", null, Duration.ofSeconds(30));
        assertThat(d.name()).startsWith("strata-consumer-");
        assertThat(d.format()).isEqualTo(RecordFormat.BINARY);
        assertThat(d.autoOffsetReset()).isEqualTo("latest");
        assertThat(d.autoCommit()).isFalse();
        assertThat(d.requestTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.isolationLevel()).isEqualTo("read_uncommitted");
        assertThat(d.subscription()).isNull();
    }

    @Test
    void settingsAreReadWithOldNamesAndTheRequestTimeoutIsCapped() {
        ConsumerInstanceDefinition d = V2ConsumerConfigs.definition("g", new V2CreateConsumerRequest(null, "legacy",
                "TEXT", "smallest", "true", "1024", "600000", "read_committed"), Duration.ofSeconds(30));
        assertThat(d.name()).isEqualTo("legacy");
        assertThat(d.format()).isEqualTo(RecordFormat.TEXT);
        assertThat(d.autoOffsetReset()).isEqualTo("earliest");
        assertThat(d.autoCommit()).isTrue();
        assertThat(d.fetchMinBytes()).isEqualTo(1024);
        assertThat(d.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.isolationLevel()).isEqualTo("read_committed");
    }

    @Test
    void aNegativeFetchMinBytesIsAnInvalidConfig() {
        assertThatThrownBy(() -> V2ConsumerConfigs.definition("g", new V2CreateConsumerRequest(null, null, null, null,
                null, "-1", null, null), Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(RestException.class, e -> assertThat(e.errorCode()).isEqualTo(42204));
    }
}
