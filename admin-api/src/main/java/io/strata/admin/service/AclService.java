package io.strata.admin.service;

import io.strata.admin.error.RestException;
import io.strata.admin.gateway.KafkaGateway;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * ACLs through {@code Admin.describeAcls/createAcls/deleteAcls}. Values are checked here first, as kafka-rest
 * checks them; a cluster without an authorizer (the broker does not serve the ACL APIs, or answers
 * SECURITY_DISABLED) answers 400/40002, as kafka-rest does when security is disabled.
 */
@Service
public class AclService {
    public static final String NO_AUTHORIZER = "No authorizer is configured on the cluster (security is disabled)";
    /** Kafka's only name for the CLUSTER resource. */
    public static final String CLUSTER_NAME = "kafka-cluster";

    private static final Comparator<AclBinding> ORDER = Comparator
            .comparing((AclBinding b) -> b.pattern().resourceType().name())
            .thenComparing(b -> b.pattern().name())
            .thenComparing(b -> b.pattern().patternType().name())
            .thenComparing(b -> b.entry().principal())
            .thenComparing(b -> b.entry().host())
            .thenComparing(b -> b.entry().operation().name())
            .thenComparing(b -> b.entry().permissionType().name());

    private final KafkaGateway gateway;

    public AclService(KafkaGateway gateway) {
        this.gateway = gateway;
    }

    /** The ACLs matching {@code filter}, in a stable order. */
    public List<AclBinding> search(AclBindingFilter filter) {
        requireKnown(filter);
        List<AclBinding> found = new ArrayList<>(call(gateway.admin().describeAcls(filter).values()));
        found.sort(ORDER);
        return found;
    }

    /** An ACL to create, in Kafka's terms but not yet checked (Kafka's own classes refuse some values outright). */
    public record NewAcl(ResourceType resourceType, String resourceName, PatternType patternType, String principal,
                         String host, AclOperation operation, AclPermissionType permission) {
    }

    /** Creates all of {@code acls} after checking each one (400/40002 for a value an ACL cannot have). */
    public void create(List<NewAcl> acls) {
        if (acls.isEmpty()) {
            throw RestException.badRequest("No ACL to create");
        }
        List<AclBinding> bindings = acls.stream().map(AclService::binding).toList();
        call(gateway.admin().createAcls(bindings).all());
    }

    /** Deletes the ACLs matching {@code filter} and answers them. */
    public List<AclBinding> delete(AclBindingFilter filter) {
        requireKnown(filter);
        List<AclBinding> deleted = new ArrayList<>();
        Collection<AclBinding> values = call(gateway.admin().deleteAcls(List.of(filter)).all());
        deleted.addAll(values);
        deleted.sort(ORDER);
        return deleted;
    }

    private <T> T call(KafkaFuture<T> future) {
        try {
            return gateway.await(future);
        } catch (UnsupportedVersionException | SecurityDisabledException e) {
            throw new RestException(HttpStatus.BAD_REQUEST, 40002, NO_AUTHORIZER, e);
        }
    }

    /** Filters may say ANY (and MATCH), never UNKNOWN. */
    static void requireKnown(AclBindingFilter filter) {
        if (filter.patternFilter().resourceType() == ResourceType.UNKNOWN) {
            throw RestException.badRequest("resource_type cannot be unspecified or UNKNOWN");
        }
        if (filter.patternFilter().patternType() == PatternType.UNKNOWN) {
            throw RestException.badRequest("pattern_type cannot be unspecified or UNKNOWN");
        }
        if (filter.entryFilter().operation() == AclOperation.UNKNOWN) {
            throw RestException.badRequest("operation cannot be unspecified or UNKNOWN");
        }
        if (filter.entryFilter().permissionType() == AclPermissionType.UNKNOWN) {
            throw RestException.badRequest("permission cannot be unspecified or UNKNOWN");
        }
    }

    /** An ACL names one resource type, a LITERAL or PREFIXED pattern, one operation and ALLOW or DENY. */
    static AclBinding binding(NewAcl acl) {
        ResourceType type = acl.resourceType();
        if (type == null || type == ResourceType.ANY || type == ResourceType.UNKNOWN) {
            throw invalid("resource_type must be a resource type, not " + type);
        }
        PatternType pattern = acl.patternType();
        if (pattern != PatternType.LITERAL && pattern != PatternType.PREFIXED) {
            throw invalid("pattern_type must be LITERAL or PREFIXED, not " + pattern);
        }
        if (blank(acl.resourceName())) {
            throw invalid("resource_name must not be empty");
        }
        if (type == ResourceType.CLUSTER && !CLUSTER_NAME.equals(acl.resourceName())) {
            throw invalid("The only valid name for the CLUSTER resource is " + CLUSTER_NAME);
        }
        String principal = acl.principal();
        int colon = principal == null ? -1 : principal.indexOf(':');
        if (colon <= 0 || colon == principal.length() - 1) {
            throw invalid("principal must be <type>:<name>, e.g. User:alice, not '" + principal + "'");
        }
        if (blank(acl.host())) {
            throw invalid("host must not be empty (use * for any host)");
        }
        AclOperation operation = acl.operation();
        if (operation == null || operation == AclOperation.ANY || operation == AclOperation.UNKNOWN) {
            throw invalid("operation must be an operation, not " + operation);
        }
        AclPermissionType permission = acl.permission();
        if (permission != AclPermissionType.ALLOW && permission != AclPermissionType.DENY) {
            throw invalid("permission must be ALLOW or DENY, not " + permission);
        }
        return new AclBinding(new ResourcePattern(type, acl.resourceName(), pattern),
                new AccessControlEntry(principal, acl.host(), operation, permission));
    }

    private static RestException invalid(String message) {
        return new RestException(HttpStatus.BAD_REQUEST, 40002, message);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
