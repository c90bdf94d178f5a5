package io.strata.admin.service;

import io.strata.admin.error.RestException;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AclServiceTest {
    private static final AclService.NewAcl READ_ORDERS = new AclService.NewAcl(ResourceType.TOPIC, "orders",
            PatternType.LITERAL, "User:alice", "*", AclOperation.READ, AclPermissionType.ALLOW);

    @Test
    void aCompleteAclBecomesKafkasBinding() {
        AclBinding binding = AclService.binding(READ_ORDERS);
        assertThat(binding.pattern().resourceType()).isEqualTo(ResourceType.TOPIC);
        assertThat(binding.pattern().name()).isEqualTo("orders");
        assertThat(binding.entry().principal()).isEqualTo("User:alice");
        assertThat(binding.entry().operation()).isEqualTo(AclOperation.READ);
    }

    @Test
    void valuesOnlyAFilterMayHaveAreRefusedWithKafkaRestsCode() {
        refused(with(ResourceType.ANY, "orders", PatternType.LITERAL, AclOperation.READ, AclPermissionType.ALLOW));
        refused(with(ResourceType.TOPIC, "orders", PatternType.MATCH, AclOperation.READ, AclPermissionType.ALLOW));
        refused(with(ResourceType.TOPIC, "orders", PatternType.LITERAL, AclOperation.ANY, AclPermissionType.ALLOW));
        refused(with(ResourceType.TOPIC, "orders", PatternType.LITERAL, AclOperation.READ, AclPermissionType.ANY));
        refused(with(ResourceType.CLUSTER, "orders", PatternType.LITERAL, AclOperation.ALTER, AclPermissionType.ALLOW));
        refused(new AclService.NewAcl(ResourceType.TOPIC, "orders", PatternType.LITERAL, "alice", "*",
                AclOperation.READ, AclPermissionType.ALLOW));
        assertThat(AclService.binding(with(ResourceType.CLUSTER, AclService.CLUSTER_NAME, PatternType.LITERAL,
                AclOperation.ALTER, AclPermissionType.DENY)).pattern().name()).isEqualTo("kafka-cluster");
    }

    @Test
    void filtersMayNotSayUnknown() {
        assertThatThrownBy(() -> AclService.requireKnown(new AclBindingFilter(
                new ResourcePatternFilter(ResourceType.UNKNOWN, null, PatternType.ANY),
                AccessControlEntryFilter.ANY))).isInstanceOf(RestException.class).hasMessageContaining("resource_type");
        AclService.requireKnown(AclBindingFilter.ANY);
    }

    private static AclService.NewAcl with(ResourceType type, String name, PatternType pattern, AclOperation operation,
                                          AclPermissionType permission) {
        return new AclService.NewAcl(type, name, pattern, "User:alice", "*", operation, permission);
    }

    private static void refused(AclService.NewAcl acl) {
        assertThatThrownBy(() -> AclService.binding(acl)).isInstanceOfSatisfying(RestException.class,
                e -> assertThat(e.errorCode()).isEqualTo(40002));
    }
}
