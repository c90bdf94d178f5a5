package io.strata.admin.v3.model;

import io.swagger.v3.oas.annotations.media.Schema;

/** How an ACL's resource name matches: exactly (LITERAL), as a prefix (PREFIXED); MATCH and ANY only in filters. */
@Schema(name = "AclPatternType", enumAsRef = true)
public enum AclPatternType { UNKNOWN, ANY, MATCH, LITERAL, PREFIXED }
