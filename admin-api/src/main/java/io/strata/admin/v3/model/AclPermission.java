package io.strata.admin.v3.model;

import io.swagger.v3.oas.annotations.media.Schema;

/** Whether an ACL allows or denies; ANY only in filters. */
@Schema(name = "AclPermission", enumAsRef = true)
public enum AclPermission { UNKNOWN, ANY, DENY, ALLOW }
