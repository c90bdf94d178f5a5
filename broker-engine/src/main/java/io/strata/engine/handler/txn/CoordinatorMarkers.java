package io.strata.engine.handler.txn;

import org.apache.kafka.common.TopicPartition;

import java.util.concurrent.CompletableFuture;

/**
 * Where WriteTxnMarkers sends markers for partitions of a coordinator's internal topic ({@code __consumer_offsets}):
 * through that coordinator's runtime, so the marker is ordered with the coordinator's own writes and the
 * coordinator applies it once committed (Kafka's GroupCoordinator.completeTransaction). Implementations are
 * thread-safe; the future completes once the marker is committed, or fails with the reason.
 */
public interface CoordinatorMarkers {
    /** Whether markers for {@code tp} go through a coordinator rather than straight to the partition. */
    boolean handles(TopicPartition tp);

    CompletableFuture<Void> write(TopicPartition tp, long producerId, short producerEpoch, int coordinatorEpoch,
                                  boolean commit);

    /** Writes one partition's marker through a coordinator. */
    @FunctionalInterface
    interface PartitionMarkerWriter {
        CompletableFuture<Void> write(int partition, long producerId, short producerEpoch, int coordinatorEpoch,
                                      boolean commit);
    }

    /** No partition is a coordinator's: every marker is appended straight to its partition. */
    CoordinatorMarkers NONE = new CoordinatorMarkers() {
        @Override
        public boolean handles(TopicPartition tp) {
            return false;
        }

        @Override
        public CompletableFuture<Void> write(TopicPartition tp, long producerId, short producerEpoch,
                                             int coordinatorEpoch, boolean commit) {
            throw new IllegalArgumentException(tp + " is no coordinator partition");
        }
    };

    /** The partitions of {@code topic} go through {@code writer}. */
    static CoordinatorMarkers forTopic(String topic, PartitionMarkerWriter writer) {
        return new CoordinatorMarkers() {
            @Override
            public boolean handles(TopicPartition tp) {
                return tp.topic().equals(topic);
            }

            @Override
            public CompletableFuture<Void> write(TopicPartition tp, long producerId, short producerEpoch,
                                                 int coordinatorEpoch, boolean commit) {
                return writer.write(tp.partition(), producerId, producerEpoch, coordinatorEpoch, commit);
            }
        };
    }
}
