package io.strata.admin.service.consumer.directory;

/** A v2 consumer instance's identity: its group and its name within the group. */
public record InstanceKey(String group, String name) {
}
