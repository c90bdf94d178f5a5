package io.strata.engine.txn;

import io.strata.engine.config.TransactionConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The client-facing transaction operations of the coordinator, with Kafka's answers (TransactionCoordinator's
 * handleInitProducerId, handleAddPartitionsToTransaction, handleEndTransaction for transaction version 0/1):
 * each runs on the shard of the id's partition and writes at most one transition. Errors that are not Kafka
 * answers of the operation itself (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE)
 * come back as failed futures, mapped by {@link io.strata.engine.coordinator.CoordinatorErrors#errorOf}.
 *
 * <p>Threads: called on request threads; the operations run on the runtime's shard threads; producer ids are
 * allocated on {@code completions}, never on a shard thread.
 */
public final class TransactionOperations {
    private final TransactionCoordinator coordinator;
    private final TransactionConfig config;
    private final LongSupplier producerIds;
    private final Executor completions;

    TransactionOperations(TransactionCoordinator coordinator, TransactionConfig config, LongSupplier producerIds,
                          Executor completions) {
        this.coordinator = coordinator;
        this.config = config;
        this.producerIds = producerIds;
        this.completions = completions;
    }

    /** What InitProducerId answers. */
    public record InitResult(Errors error, long producerId, short producerEpoch) {
        public static InitResult error(Errors error) {
            return new InitResult(error, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH);
        }
    }

    /** Marks a step that needs a producer id the caller has not allocated yet. */
    private static final InitResult NEEDS_PRODUCER_ID = InitResult.error(Errors.NONE);

    /**
     * InitProducerId with a transactional id. {@code expectedProducerId}/{@code expectedEpoch} are the request's
     * (KIP-360, -1 when absent).
     */
    public CompletableFuture<InitResult> initProducerId(String transactionalId, int timeoutMs, long expectedProducerId,
                                                       short expectedEpoch) {
        if (transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(InitResult.error(Errors.INVALID_REQUEST));
        }
        if (timeoutMs <= 0 || timeoutMs > config.maxTimeoutMs()) {
            return CompletableFuture.completedFuture(InitResult.error(Errors.INVALID_TRANSACTION_TIMEOUT));
        }
        boolean noId = expectedProducerId == RecordBatch.NO_PRODUCER_ID;
        boolean noEpoch = expectedEpoch == RecordBatch.NO_PRODUCER_EPOCH;
        if (noId != noEpoch) {
            return CompletableFuture.completedFuture(InitResult.error(Errors.INVALID_REQUEST));
        }
        Optional<Expected> expected = noId ? Optional.empty() : Optional.of(new Expected(expectedProducerId, expectedEpoch));
        int partition = coordinator.partitionFor(transactionalId);
        return init(partition, transactionalId, timeoutMs, expected, OptionalLong.empty()).thenCompose(result -> {
            if (result != NEEDS_PRODUCER_ID) {
                return CompletableFuture.completedFuture(result);
            }
            return CompletableFuture.supplyAsync(producerIds::getAsLong, completions).thenCompose(id ->
                    init(partition, transactionalId, timeoutMs, expected, OptionalLong.of(id)))
                    .thenApply(r -> r == NEEDS_PRODUCER_ID ? InitResult.error(Errors.CONCURRENT_TRANSACTIONS) : r);
        });
    }

    private record Expected(long producerId, short epoch) {
    }

    private CompletableFuture<InitResult> init(int partition, String transactionalId, int timeoutMs,
                                               Optional<Expected> expected, OptionalLong newProducerId) {
        return coordinator.write(partition, shard -> {
            TransactionMetadata metadata = shard.get(transactionalId);
            if (metadata == null) {
                if (newProducerId.isEmpty()) {
                    return TransactionCoordinator.Step.answer(NEEDS_PRODUCER_ID);
                }
                metadata = TransactionMetadata.forNewId(transactionalId, newProducerId.getAsLong(), timeoutMs,
                        shard.clock());
                shard.put(metadata);
            }
            return initOn(metadata, transactionalId, timeoutMs, expected, newProducerId);
        });
    }

    private static TransactionCoordinator.Step<InitResult> initOn(TransactionMetadata metadata, String transactionalId,
                                                                  int timeoutMs, Optional<Expected> expected,
                                                                  OptionalLong newProducerId) {
        if (metadata.pendingTransitionInProgress()) {
            return TransactionCoordinator.Step.answer(InitResult.error(Errors.CONCURRENT_TRANSACTIONS));
        }
        if (expected.isPresent() && !isValidProducerId(metadata, expected.get())) {
            return TransactionCoordinator.Step.answer(InitResult.error(Errors.PRODUCER_FENCED));
        }
        switch (metadata.state()) {
            case EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT -> {
                TxnTransitMetadata transit;
                if (metadata.isProducerEpochExhausted()
                        && expected.map(e -> e.epoch() == metadata.producerEpoch()).orElse(true)) {
                    if (newProducerId.isEmpty() || newProducerId.getAsLong() == metadata.producerId()) {
                        return TransactionCoordinator.Step.answer(NEEDS_PRODUCER_ID);
                    }
                    transit = metadata.prepareProducerIdRotation(newProducerId.getAsLong(), timeoutMs,
                            expected.isPresent());
                } else {
                    try {
                        transit = metadata.prepareIncrementProducerEpoch(timeoutMs, expected.map(Expected::epoch));
                    } catch (org.apache.kafka.common.errors.ProducerFencedException e) {
                        return TransactionCoordinator.Step.answer(InitResult.error(Errors.PRODUCER_FENCED));
                    }
                }
                return new TransactionCoordinator.Step<>(List.of(entry(transactionalId, transit)),
                        new InitResult(Errors.NONE, transit.producerId(), transit.producerEpoch()),
                        TransactionCoordinator.cancel(metadata, transit));
            }
            case ONGOING -> {
                // Fence the running producer and abort its transaction; the client retries on
                // CONCURRENT_TRANSACTIONS until the abort completes, and then gets the next epoch.
                TxnTransitMetadata abort = fenceAndAbort(metadata);
                return new TransactionCoordinator.Step<>(List.of(entry(transactionalId, abort)),
                        InitResult.error(Errors.CONCURRENT_TRANSACTIONS), undoFenceAndAbort(metadata, abort));
            }
            default -> {
                return TransactionCoordinator.Step.answer(InitResult.error(Errors.CONCURRENT_TRANSACTIONS));
            }
        }
    }

    /**
     * Kafka's check of a KIP-360 producer id: fresh metadata, the current id, or the previous id with an exhausted
     * epoch (a retry after a rotation whose answer was lost).
     */
    private static boolean isValidProducerId(TransactionMetadata metadata, Expected expected) {
        return metadata.producerEpoch() == RecordBatch.NO_PRODUCER_EPOCH
                || expected.producerId() == metadata.producerId()
                || (expected.producerId() == metadata.prevProducerId()
                && TransactionMetadata.isEpochExhausted(expected.epoch()));
    }

    /** Bumps the epoch of an ongoing transaction's producer and prepares its abort (one record: PREPARE_ABORT). */
    static TxnTransitMetadata fenceAndAbort(TransactionMetadata metadata) {
        TxnTransitMetadata fence = metadata.prepareFenceProducerEpoch();
        metadata.applyEpochFence(fence);
        return metadata.prepareAbortOrCommit(TransactionState.PREPARE_ABORT, metadata.clientTransactionVersion(),
                TransactionMetadata.NO_PRODUCER_ID);
    }

    /** A fence's abort was not written: the next fence reuses the bumped epoch. */
    static Consumer<TransactionShard> undoFenceAndAbort(TransactionMetadata metadata, TxnTransitMetadata abort) {
        Consumer<TransactionShard> cancel = TransactionCoordinator.cancel(metadata, abort);
        return shard -> {
            if (shard.get(metadata.transactionalId()) == metadata && metadata.pendingTransitionInProgress()) {
                metadata.markEpochFenceFailed();
            }
            cancel.accept(shard);
        };
    }

    /** AddPartitionsToTxn v0-3 and AddOffsetsToTxn: one error for all the partitions. */
    public CompletableFuture<Errors> addPartitions(String transactionalId, long producerId, short producerEpoch,
                                                   Set<TopicPartition> partitions) {
        return addPartitions(transactionalId, producerId, producerEpoch, partitions, null);
    }

    /**
     * As {@link #addPartitions(String, long, short, Set)}, for a transaction of {@code clientVersion}; null keeps the
     * version the transaction has (clients' AddPartitionsToTxn). A partition leader adding partitions implicitly for a
     * TV2 producer (AddPartitionsToTxn v4+ with verifyOnly false, KIP-890 part 2) passes {@link TransactionVersion#TV_2}.
     */
    public CompletableFuture<Errors> addPartitions(String transactionalId, long producerId, short producerEpoch,
                                                   Set<TopicPartition> partitions, TransactionVersion clientVersion) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(Errors.INVALID_REQUEST);
        }
        return coordinator.write(coordinator.partitionFor(transactionalId), shard -> {
            TransactionMetadata metadata = shard.get(transactionalId);
            Errors error = checkProducer(metadata, producerId, producerEpoch);
            if (error != Errors.NONE) {
                return TransactionCoordinator.Step.answer(error);
            }
            TransactionState state = metadata.state();
            if (state == TransactionState.PREPARE_COMMIT || state == TransactionState.PREPARE_ABORT) {
                return TransactionCoordinator.Step.answer(Errors.CONCURRENT_TRANSACTIONS);
            }
            if (state == TransactionState.ONGOING && metadata.topicPartitions().containsAll(partitions)) {
                return TransactionCoordinator.Step.answer(Errors.NONE);
            }
            TxnTransitMetadata transit = metadata.prepareAddPartitions(partitions,
                    clientVersion == null ? metadata.clientTransactionVersion() : clientVersion);
            return new TransactionCoordinator.Step<>(List.of(entry(transactionalId, transit)), Errors.NONE,
                    TransactionCoordinator.cancel(metadata, transit));
        });
    }

    /**
     * AddPartitionsToTxn v4+ with verifyOnly (Kafka's handleVerifyPartitionsInTransaction): whether each partition is
     * in the producer's ongoing transaction, from committed state, writing nothing. NONE for a member,
     * TRANSACTION_ABORTABLE otherwise (the leader turns it into INVALID_TXN_STATE for producers older than produce
     * v11); INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED or CONCURRENT_TRANSACTIONS (the transaction is ending) for
     * every partition. The pending state is not checked: the leader's append is the final check.
     */
    public CompletableFuture<Map<TopicPartition, Errors>> verifyPartitions(String transactionalId, long producerId,
                                                                         short producerEpoch,
                                                                         Set<TopicPartition> partitions) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(allWith(partitions, Errors.INVALID_REQUEST));
        }
        return coordinator.read(coordinator.partitionFor(transactionalId), shard -> {
            TransactionMetadata metadata = shard.get(transactionalId);
            if (metadata == null || metadata.producerId() != producerId) {
                return allWith(partitions, Errors.INVALID_PRODUCER_ID_MAPPING);
            }
            if (metadata.producerEpoch() != producerEpoch) {
                return allWith(partitions, Errors.PRODUCER_FENCED);
            }
            if (metadata.state() == TransactionState.PREPARE_COMMIT
                    || metadata.state() == TransactionState.PREPARE_ABORT) {
                return allWith(partitions, Errors.CONCURRENT_TRANSACTIONS);
            }
            boolean ongoing = metadata.state() == TransactionState.ONGOING;
            Map<TopicPartition, Errors> answers = new LinkedHashMap<>();
            for (TopicPartition tp : partitions) {
                answers.put(tp, ongoing && metadata.topicPartitions().contains(tp) ? Errors.NONE
                        : Errors.TRANSACTION_ABORTABLE);
            }
            return answers;
        });
    }

    private static Map<TopicPartition, Errors> allWith(Set<TopicPartition> partitions, Errors error) {
        Map<TopicPartition, Errors> answers = new LinkedHashMap<>();
        partitions.forEach(tp -> answers.put(tp, error));
        return answers;
    }

    /** EndTxn v0-4: PREPARE_COMMIT/PREPARE_ABORT written; markers and COMPLETE_* follow asynchronously. */
    public CompletableFuture<Errors> endTransaction(String transactionalId, long producerId, short producerEpoch,
                                                    boolean commit) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(Errors.INVALID_REQUEST);
        }
        return coordinator.write(coordinator.partitionFor(transactionalId), shard -> {
            TransactionMetadata metadata = shard.get(transactionalId);
            Errors error = checkProducer(metadata, producerId, producerEpoch);
            if (error != Errors.NONE) {
                return TransactionCoordinator.Step.answer(error);
            }
            Errors answer = switch (metadata.state()) {
                case ONGOING -> null;
                case COMPLETE_COMMIT -> commit ? Errors.NONE : Errors.INVALID_TXN_STATE;
                case COMPLETE_ABORT -> commit ? Errors.INVALID_TXN_STATE : Errors.NONE;
                case PREPARE_COMMIT -> commit ? Errors.CONCURRENT_TRANSACTIONS : Errors.INVALID_TXN_STATE;
                case PREPARE_ABORT -> commit ? Errors.INVALID_TXN_STATE : Errors.CONCURRENT_TRANSACTIONS;
                default -> Errors.INVALID_TXN_STATE;
            };
            if (answer != null) {
                return TransactionCoordinator.Step.answer(answer);
            }
            TxnTransitMetadata transit = metadata.prepareAbortOrCommit(
                    commit ? TransactionState.PREPARE_COMMIT : TransactionState.PREPARE_ABORT,
                    metadata.clientTransactionVersion(), TransactionMetadata.NO_PRODUCER_ID);
            return new TransactionCoordinator.Step<>(List.of(entry(transactionalId, transit)), Errors.NONE,
                    TransactionCoordinator.cancel(metadata, transit));
        });
    }

    /** The checks AddPartitionsToTxn and EndTxn share, in Kafka's order. */
    private static Errors checkProducer(TransactionMetadata metadata, long producerId, short producerEpoch) {
        if (metadata == null || metadata.producerEpoch() == RecordBatch.NO_PRODUCER_EPOCH
                || metadata.producerId() != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (metadata.producerEpoch() != producerEpoch) {
            return Errors.PRODUCER_FENCED;
        }
        if (metadata.pendingTransitionInProgress()) {
            return Errors.CONCURRENT_TRANSACTIONS;
        }
        return Errors.NONE;
    }

    private static TransactionLogRecords.Entry entry(String transactionalId, TxnTransitMetadata transit) {
        return new TransactionLogRecords.Entry(transactionalId, transit);
    }
}
