package io.strata.admin.v3;

import io.strata.admin.error.ErrorBody;
import io.strata.admin.error.RestException;
import io.strata.admin.service.AclService;
import io.strata.admin.service.ClusterService;
import io.strata.admin.v3.model.AclData;
import io.strata.admin.v3.model.AclDataList;
import io.strata.admin.v3.model.AclOperation;
import io.strata.admin.v3.model.AclPatternType;
import io.strata.admin.v3.model.AclPermission;
import io.strata.admin.v3.model.AclResourceType;
import io.strata.admin.v3.model.CollectionMetadata;
import io.strata.admin.v3.model.CreateAclRequestData;
import io.strata.admin.v3.model.CreateAclRequestDataList;
import io.strata.admin.v3.model.DeleteAclsResponseData;
import io.strata.admin.v3.model.ResourceMetadata;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

@RestController
@RequestMapping(path = "/v3/clusters/{cluster_id}", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "ACL (v3)")
public class AclsController {
    private static final String NO_AUTHORIZER_NOTE = " While the cluster has no authorizer this answers 400 with "
            + "error_code 40002, as kafka-rest does when security is disabled.";

    private final ClusterService clusters;
    private final AclService acls;

    public AclsController(ClusterService clusters, AclService acls) {
        this.clusters = clusters;
        this.acls = acls;
    }

    @GetMapping("/acls")
    @Operation(operationId = "getKafkaAcls", summary = "List ACLs",
            description = "Returns the ACLs matching the search criteria; an absent criterion matches anything."
                    + NO_AUTHORIZER_NOTE)
    @ApiResponse(responseCode = "200", description = "The matching ACLs.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public AclDataList searchAcls(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The ACL resource type.") @RequestParam(name = "resource_type", required = false) AclResourceType resourceType,
            @Parameter(description = "The ACL resource name.") @RequestParam(name = "resource_name", required = false) String resourceName,
            @Parameter(description = "The ACL pattern type.") @RequestParam(name = "pattern_type", required = false) AclPatternType patternType,
            @Parameter(description = "The ACL principal.") @RequestParam(name = "principal", required = false) String principal,
            @Parameter(description = "The ACL host.") @RequestParam(name = "host", required = false) String host,
            @Parameter(description = "The ACL operation.") @RequestParam(name = "operation", required = false) AclOperation operation,
            @Parameter(description = "The ACL permission.") @RequestParam(name = "permission", required = false) AclPermission permission) {
        clusters.requireCluster(clusterId);
        AclBindingFilter filter = filter(resourceType, resourceName, patternType, principal, host, operation, permission);
        return new AclDataList("KafkaAclList",
                CollectionMetadata.of(ServletUriComponentsBuilder.fromCurrentRequest().build().toUriString()),
                acls.search(filter).stream().map(b -> toData(clusterId, b)).toList());
    }

    @PostMapping(path = "/acls", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "createKafkaAcls", summary = "Create an ACL",
            description = "Creates one ACL." + NO_AUTHORIZER_NOTE)
    @ApiResponse(responseCode = "201", description = "Created.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public void createAcl(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @RequestBody CreateAclRequestData request) {
        clusters.requireCluster(clusterId);
        acls.create(List.of(newAcl(request)));
    }

    @PostMapping(path = "/acls:batch", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "batchCreateKafkaAcls", summary = "Batch Create ACLs",
            description = "Creates several ACLs in one request; every one is checked before any is created."
                    + NO_AUTHORIZER_NOTE)
    @ApiResponse(responseCode = "201", description = "Created.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public void batchCreateAcls(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @RequestBody CreateAclRequestDataList request) {
        clusters.requireCluster(clusterId);
        if (request.data() == null) {
            throw RestException.badRequest("The request needs data: the list of ACLs to create");
        }
        acls.create(request.data().stream().map(AclsController::newAcl).toList());
    }

    @DeleteMapping("/acls")
    @Operation(operationId = "deleteKafkaAcls", summary = "Delete ACLs",
            description = "Deletes the ACLs matching the criteria and returns them." + NO_AUTHORIZER_NOTE)
    @ApiResponse(responseCode = "200", description = "The deleted ACLs.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public DeleteAclsResponseData deleteAcls(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The ACL resource type.") @RequestParam(name = "resource_type") AclResourceType resourceType,
            @Parameter(description = "The ACL resource name.") @RequestParam(name = "resource_name", required = false) String resourceName,
            @Parameter(description = "The ACL pattern type.") @RequestParam(name = "pattern_type") AclPatternType patternType,
            @Parameter(description = "The ACL principal.") @RequestParam(name = "principal", required = false) String principal,
            @Parameter(description = "The ACL host.") @RequestParam(name = "host", required = false) String host,
            @Parameter(description = "The ACL operation.") @RequestParam(name = "operation") AclOperation operation,
            @Parameter(description = "The ACL permission.") @RequestParam(name = "permission") AclPermission permission) {
        clusters.requireCluster(clusterId);
        AclBindingFilter filter = filter(resourceType, resourceName, patternType, principal, host, operation, permission);
        return new DeleteAclsResponseData(acls.delete(filter).stream().map(b -> toData(clusterId, b)).toList());
    }

    private static AclBindingFilter filter(AclResourceType resourceType, String resourceName, AclPatternType patternType,
                                           String principal, String host, AclOperation operation,
                                           AclPermission permission) {
        return new AclBindingFilter(
                new ResourcePatternFilter(
                        resourceType == null ? ResourceType.ANY : ResourceType.valueOf(resourceType.name()),
                        resourceName,
                        patternType == null ? PatternType.ANY : PatternType.valueOf(patternType.name())),
                new AccessControlEntryFilter(principal, host,
                        operation == null ? org.apache.kafka.common.acl.AclOperation.ANY
                                : org.apache.kafka.common.acl.AclOperation.valueOf(operation.name()),
                        permission == null ? AclPermissionType.ANY : AclPermissionType.valueOf(permission.name())));
    }

    private static AclService.NewAcl newAcl(CreateAclRequestData acl) {
        if (acl == null) {
            throw new RestException(HttpStatus.BAD_REQUEST, 40002, "An ACL to create must not be null");
        }
        return new AclService.NewAcl(
                acl.resourceType() == null ? null : ResourceType.valueOf(acl.resourceType().name()),
                acl.resourceName(),
                acl.patternType() == null ? null : PatternType.valueOf(acl.patternType().name()),
                acl.principal(), acl.host(),
                acl.operation() == null ? null : org.apache.kafka.common.acl.AclOperation.valueOf(acl.operation().name()),
                acl.permission() == null ? null : AclPermissionType.valueOf(acl.permission().name()));
    }

    static AclData toData(String clusterId, AclBinding acl) {
        ResourcePattern pattern = acl.pattern();
        AccessControlEntry entry = acl.entry();
        String self = V3Urls.cluster(clusterId, "acls")
                + "?resource_type=" + pattern.resourceType().name()
                + "&resource_name=" + encode(pattern.name())
                + "&pattern_type=" + pattern.patternType().name()
                + "&principal=" + encode(entry.principal())
                + "&host=" + encode(entry.host())
                + "&operation=" + entry.operation().name()
                + "&permission=" + entry.permissionType().name();
        return new AclData("KafkaAcl", new ResourceMetadata(self, null), clusterId,
                known(AclResourceType.class, pattern.resourceType(), AclResourceType.UNKNOWN), pattern.name(),
                known(AclPatternType.class, pattern.patternType(), AclPatternType.UNKNOWN), entry.principal(),
                entry.host(), known(AclOperation.class, entry.operation(), AclOperation.UNKNOWN),
                known(AclPermission.class, entry.permissionType(), AclPermission.UNKNOWN));
    }

    /** The reference's value of the same name; {@code unknown} for a Kafka value the reference does not list. */
    private static <E extends Enum<E>> E known(Class<E> type, Enum<?> kafka, E unknown) {
        for (E value : type.getEnumConstants()) {
            if (value.name().equals(kafka.name())) {
                return value;
            }
        }
        return unknown;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
