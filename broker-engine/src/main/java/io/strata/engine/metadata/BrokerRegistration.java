package io.strata.engine.metadata;

/**
 * A broker as registered in the metadata store: its id, the listener clients are told to use, the epoch
 * of its current registration and whether its heartbeat lease is current.
 *
 * @param epoch strictly increasing across all registrations of all brokers (a restart gets a higher one);
 *              {@link #NO_EPOCH} on a registration not yet stored
 * @param live  whether the broker heartbeated within the session timeout, judged by the store's clock
 *              (as of the read that produced this value)
 */
public record BrokerRegistration(int brokerId, String host, int port, String rack, long epoch, boolean live) {
    public static final long NO_EPOCH = -1;

    /** A registration to be stored: the store assigns the epoch. */
    public BrokerRegistration(int brokerId, String host, int port, String rack) {
        this(brokerId, host, port, rack, NO_EPOCH, false);
    }

    public BrokerRegistration withEpoch(long newEpoch) {
        return new BrokerRegistration(brokerId, host, port, rack, newEpoch, live);
    }

    public BrokerRegistration withLive(boolean isLive) {
        return isLive == live ? this : new BrokerRegistration(brokerId, host, port, rack, epoch, isLive);
    }
}
