package io.strata.admin.service;

import io.strata.admin.error.RestException;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigChangeTest {

    @Test
    void aChangeWithoutAnOperationSetsTheValue() {
        AlterConfigOp op = ConfigChange.parse("retention.ms", "1000", null).toAlterConfigOp();
        assertThat(op.opType()).isEqualTo(AlterConfigOp.OpType.SET);
        assertThat(op.configEntry().name()).isEqualTo("retention.ms");
        assertThat(op.configEntry().value()).isEqualTo("1000");
    }

    @Test
    void deleteInAnyCaseResetsTheConfig() {
        AlterConfigOp op = ConfigChange.parse("cleanup.policy", "ignored", "delete").toAlterConfigOp();
        assertThat(op.opType()).isEqualTo(AlterConfigOp.OpType.DELETE);
        assertThat(op.configEntry().value()).isNull();
    }

    @Test
    void anUnknownOperationIsABadRequest() {
        assertThatThrownBy(() -> ConfigChange.parse("cleanup.policy", "compact", "APPEND"))
                .isInstanceOfSatisfying(RestException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("APPEND");
                });
    }

    @Test
    void aChangeNeedsAName() {
        assertThatThrownBy(() -> ConfigChange.parse(" ", "x", "SET")).isInstanceOf(RestException.class);
    }
}
