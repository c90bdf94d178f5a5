package io.strata.admin.service.consumer.directory;

import io.strata.admin.service.consumer.ConsumerInstanceDefinition;

/**
 * One instance as the directory holds it: its definition, the node owning it, until when (the lease), and the
 * owner epoch, which every takeover raises by one.
 *
 * @param ownerUrl         the owner's base URL, where other nodes forward the instance's requests
 * @param leaseExpiresAtMs epoch ms after which the lease has lapsed; 0 once the owner released it
 */
public record DirectoryEntry(ConsumerInstanceDefinition definition, String ownerNodeId, String ownerUrl,
                             long leaseExpiresAtMs, long ownerEpoch) {

    public InstanceKey key() {
        return new InstanceKey(definition.group(), definition.name());
    }

    public boolean ownedBy(String nodeId) {
        return ownerNodeId.equals(nodeId);
    }

    public boolean leaseValidAt(long nowMs) {
        return nowMs < leaseExpiresAtMs;
    }

    public DirectoryEntry withLease(long expiresAtMs) {
        return new DirectoryEntry(definition, ownerNodeId, ownerUrl, expiresAtMs, ownerEpoch);
    }

    public DirectoryEntry withDefinition(ConsumerInstanceDefinition newDefinition) {
        return new DirectoryEntry(newDefinition, ownerNodeId, ownerUrl, leaseExpiresAtMs, ownerEpoch);
    }

    /**
     * Whether this record, read after {@code current} in the directory's one partition, replaces it. A higher
     * epoch is a takeover; the same epoch replaces only when written by the same owner (a renewal, release or
     * definition change). So of two claims with one epoch the first in log order wins, the same on every
     * node, and a deposed owner's late renewal (lower epoch) changes nothing.
     */
    public boolean supersedes(DirectoryEntry current) {
        if (current == null || ownerEpoch > current.ownerEpoch) {
            return true;
        }
        return ownerEpoch == current.ownerEpoch && ownerNodeId.equals(current.ownerNodeId);
    }
}
