package io.strata.engine.metadata;

/**
 * A broker as registered in the metadata store: its id, the listener clients are told to use, the epoch
 * of its current registration, whether its heartbeat lease is current and whether it announced a controlled
 * shutdown.
 *
 * @param epoch        strictly increasing across all registrations of all brokers (a restart gets a higher one);
 *                     {@link #NO_EPOCH} on a registration not yet stored
 * @param live         whether the broker heartbeated within the session timeout, judged by the store's clock
 *                     (as of the read that produced this value)
 * @param shuttingDown whether this registration announced a controlled shutdown
 *                     ({@link MetadataStore#requestControlledShutdown}): the controller moves its leaderships and
 *                     ISR memberships away and no leader adds it to an ISR (KIP-841), while it stays live and
 *                     unfenced; the next registration of the broker id clears it
 */
public record BrokerRegistration(int brokerId, String host, int port, String rack, long epoch, boolean live,
                                 boolean shuttingDown) {
    public static final long NO_EPOCH = -1;

    /** A registration to be stored: the store assigns the epoch. */
    public BrokerRegistration(int brokerId, String host, int port, String rack) {
        this(brokerId, host, port, rack, NO_EPOCH, false, false);
    }

    public BrokerRegistration withEpoch(long newEpoch) {
        return new BrokerRegistration(brokerId, host, port, rack, newEpoch, live, shuttingDown);
    }

    public BrokerRegistration withLive(boolean isLive) {
        return isLive == live ? this : new BrokerRegistration(brokerId, host, port, rack, epoch, isLive, shuttingDown);
    }

    public BrokerRegistration withShuttingDown(boolean isShuttingDown) {
        return isShuttingDown == shuttingDown ? this
                : new BrokerRegistration(brokerId, host, port, rack, epoch, live, isShuttingDown);
    }
}
