package io.strata.engine.metadata;

/**
 * The controller lease as the metadata store holds it: one broker at a time, under a controller epoch
 * that grows by one with every acquisition, so a deposed holder's epoch is always lower than the
 * current one.
 *
 * @param brokerId        the holder
 * @param controllerEpoch the epoch of this holding; controller writes carry it (see
 *                        {@link MetadataStore#asController})
 * @param durationMs      how long the lease lasts after each renewal (the broker session timeout), judged
 *                        by the store's clock
 */
public record ControllerLease(int brokerId, long controllerEpoch, long durationMs) {
    /** The controller id Kafka's APIs report when none is known. */
    public static final int NO_CONTROLLER = -1;
}
