package io.strata.admin.service.consumer;

import io.strata.admin.service.consumer.directory.DirectoryEntry;

/**
 * Where a request for an instance goes, decided from its directory entry alone (pure, so unit-tested).
 */
public enum InstanceRoute {
    /** This node owns the instance under a valid lease and holds it live. */
    SERVE,
    /** Another node owns it under a valid lease: forward the request there. */
    FORWARD,
    /** Nobody holds a valid lease (or this node owns it but holds it no more): claim it with the next epoch. */
    CLAIM,
    /** No such instance, or a forwarded request for one another node owns (it is never forwarded again). */
    NOT_FOUND;

    /**
     * @param live      whether this node holds the instance's consumer
     * @param forwarded whether another node forwarded the request here
     */
    public static InstanceRoute decide(DirectoryEntry entry, String self, long nowMs, boolean live, boolean forwarded) {
        if (entry == null) {
            return NOT_FOUND;
        }
        if (entry.ownedBy(self)) {
            return live && entry.leaseValidAt(nowMs) ? SERVE : CLAIM;
        }
        if (entry.leaseValidAt(nowMs)) {
            return forwarded ? NOT_FOUND : FORWARD;
        }
        return CLAIM;
    }
}
