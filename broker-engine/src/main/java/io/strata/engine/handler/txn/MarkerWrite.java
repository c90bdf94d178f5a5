package io.strata.engine.handler.txn;

import io.strata.engine.cluster.Partition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;

/** A transaction marker appended as leader under {@code leaderEpoch}, waiting to be committed below {@code nextOffset}. */
record MarkerWrite(TopicPartition tp, Partition partition, long nextOffset, int leaderEpoch,
                   WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult result) {
}
