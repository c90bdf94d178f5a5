package io.strata.engine.txn;

import io.strata.engine.metadata.MetadataStore;

/**
 * Hands out producer ids from blocks reserved in the metadata store, so ids are unique across
 * restarts and brokers while most allocations stay in memory. Synchronized: allocation is rare
 * (once per producer start).
 */
public final class ProducerIdManager {
    static final int BLOCK_SIZE = 1000;

    private final MetadataStore store;
    private long next;
    private long blockEnd;

    public ProducerIdManager(MetadataStore store) {
        this.store = store;
    }

    public synchronized long nextProducerId() {
        if (next >= blockEnd) {
            next = store.allocateProducerIds(BLOCK_SIZE);
            blockEnd = next + BLOCK_SIZE;
        }
        return next++;
    }
}
