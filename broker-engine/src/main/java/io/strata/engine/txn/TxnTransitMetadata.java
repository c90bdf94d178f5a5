package io.strata.engine.txn;

import org.apache.kafka.common.TopicPartition;

import java.util.Objects;
import java.util.Set;

/**
 * An immutable picture of a transactional id's metadata: the target of a prepared transition (what the
 * coordinator appends to {@code __transaction_state} and applies once the append is committed), a value
 * read back from that topic, or a snapshot for describing. Safe to share between threads.
 *
 * @param producerId               producer id in use (after a TV2 epoch overflow completes: the new one)
 * @param prevProducerId           producer id before this transition; the id a KIP-360 retry may present
 * @param nextProducerId           producer id already handed to the client for after this transaction (TV2
 *                                 epoch overflow), or -1
 * @param producerEpoch            producer epoch
 * @param lastProducerEpoch        the epoch before the latest bump, so a retried InitProducerId or EndTxn is
 *                                 recognised; not persisted (-1 after loading, as in Kafka)
 * @param txnTimeoutMs             the producer's {@code transaction.timeout.ms}
 * @param txnState                 state
 * @param topicPartitions          partitions in the transaction
 * @param txnStartTimestamp        when the transaction's first partition was added, -1 outside a transaction
 * @param txnLastUpdateTimestamp   when the metadata last changed, for {@code transactional.id.expiration.ms}
 * @param clientTransactionVersion the protocol the client spoke for this transaction
 */
public record TxnTransitMetadata(long producerId, long prevProducerId, long nextProducerId, short producerEpoch,
                                 short lastProducerEpoch, int txnTimeoutMs, TransactionState txnState,
                                 Set<TopicPartition> topicPartitions, long txnStartTimestamp,
                                 long txnLastUpdateTimestamp, TransactionVersion clientTransactionVersion) {

    public TxnTransitMetadata {
        Objects.requireNonNull(txnState, "txnState");
        Objects.requireNonNull(clientTransactionVersion, "clientTransactionVersion");
        topicPartitions = Set.copyOf(topicPartitions);
    }
}
