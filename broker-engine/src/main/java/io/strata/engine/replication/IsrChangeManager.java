package io.strata.engine.replication;

import io.strata.engine.cluster.IsrChangeSender;
import io.strata.engine.cluster.Partition;
import io.strata.engine.metadata.MetadataStore;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metrics.BrokerMetrics;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Writes leaders' ISR changes to the metadata store, one at a time on the broker's ISR thread, as a
 * compare-and-set on the partition epoch (Kafka's AlterPartition): a change based on a partition epoch that
 * another writer (the controller, a newer leader) already moved on writes nothing. Each outcome goes back to
 * the partition. While the store is unreachable, changes fail and are proposed again after a backoff; the
 * partition keeps its committed ISR meanwhile, so an acks=all write that needs the change waits or times out.
 *
 * <p>Thread-safety: {@link #submit} may be called from any thread; the writes run on the given executor.
 */
public final class IsrChangeManager implements IsrChangeSender {
    private static final Logger log = LoggerFactory.getLogger(IsrChangeManager.class);
    /** Pause before proposing again after a store failure (Kafka retries AlterPartition similarly). */
    static final long RETRY_BACKOFF_MS = 1_000;

    private final MetadataStore store;
    private final Executor executor;
    private final Time time;
    private final BrokerMetrics metrics;
    private volatile boolean failing;

    public IsrChangeManager(MetadataStore store, Executor executor, Time time, BrokerMetrics metrics) {
        this.store = store;
        this.executor = executor;
        this.time = time;
        this.metrics = metrics;
    }

    @Override
    public void submit(Partition partition, int expectedPartitionEpoch, PartitionMetadata proposed) {
        executor.execute(() -> write(partition, expectedPartitionEpoch, proposed));
    }

    private void write(Partition partition, int expectedPartitionEpoch, PartitionMetadata proposed) {
        PartitionMetadata before = partition.state();
        try {
            Optional<PartitionMetadata> stored = store.compareAndSetPartition(partition.topicId(),
                    expectedPartitionEpoch, proposed);
            failing = false;
            if (stored.isPresent()) {
                boolean expand = stored.get().isr().size() > before.isr().size();
                log.info("{}: ISR {} from {} to {} (partition epoch {})", partition.topicPartition(),
                        expand ? "expanded" : "shrunk", before.isr(), stored.get().isr(), stored.get().partitionEpoch());
                if (expand) {
                    metrics.recordIsrExpand();
                } else {
                    metrics.recordIsrShrink();
                }
                partition.onIsrChangeCommitted(expectedPartitionEpoch, stored.get(), time.milliseconds());
            } else {
                log.info("{}: ISR change to {} refused: partition epoch {} is no longer current", partition.topicPartition(),
                        proposed.isr(), expectedPartitionEpoch);
                partition.onIsrChangeRejected(expectedPartitionEpoch);
            }
        } catch (RuntimeException e) {
            if (!failing) {
                log.warn("{}: cannot write the ISR change to {} to the metadata store; retrying every {} ms",
                        partition.topicPartition(), proposed.isr(), RETRY_BACKOFF_MS, e);
            }
            failing = true;
            partition.onIsrChangeFailed(expectedPartitionEpoch, time.milliseconds(), RETRY_BACKOFF_MS);
        }
    }
}
