package io.strata.admin.service.consumer;

import java.time.Duration;

/**
 * The timing of an instance lease: renewed every third of it, and given up by the owner a fifth of it before
 * it lapses when renewals were not acknowledged, so its consumer is closed before any other node may claim the
 * instance (others claim only after the lapse); the margin covers a records request still in progress.
 */
public record LeaseTerms(Duration lease) {

    public long expiryFrom(long nowMs) {
        return nowMs + lease.toMillis();
    }

    public long renewEveryMs() {
        return Math.max(1, lease.toMillis() / 3);
    }

    /** How often the keeper looks at its leases: often enough to give one up within its margin. */
    public long checkEveryMs() {
        return Math.max(50, Math.min(1_000, lease.toMillis() / 15));
    }

    public boolean renewDue(long nowMs, long lastRenewalSentMs) {
        return nowMs - lastRenewalSentMs >= renewEveryMs();
    }

    /** Whether the owner must close its consumer now: its acknowledged lease ends within the margin. */
    public boolean mustGiveUp(long nowMs, long acknowledgedExpiryMs) {
        return nowMs >= acknowledgedExpiryMs - lease.toMillis() / 5;
    }
}
