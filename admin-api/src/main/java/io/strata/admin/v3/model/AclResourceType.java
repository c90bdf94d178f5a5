package io.strata.admin.v3.model;

import io.swagger.v3.oas.annotations.media.Schema;

/** The kind of resource an ACL is about, as Kafka's ResourceType names it. */
@Schema(name = "AclResourceType", enumAsRef = true)
public enum AclResourceType { UNKNOWN, ANY, TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID, DELEGATION_TOKEN }
