package io.strata.admin.v3.model;

import io.swagger.v3.oas.annotations.media.Schema;

/** The operation an ACL allows or denies, as Kafka's AclOperation names it. */
@Schema(name = "AclOperation", enumAsRef = true)
public enum AclOperation { UNKNOWN, ANY, ALL, READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE }
