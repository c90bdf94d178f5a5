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
 * handleInitProducerId, handleAddPartitionsToTransaction, handleEndTransaction for transaction versions 0/1 and,
 * with {@link EndTxnV2Decision}, 2):
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

    /**
     * AddPartitionsToTxn v0-3 and AddOffsetsToTxn: one error for all the partitions. Only clients of transaction
     * version 0/1 send these, so the transaction is recorded as version 0 (as Kafka does).
     */
    public CompletableFuture<Errors> addPartitions(String transactionalId, long producerId, short producerEpoch,
                                                   Set<TopicPartition> partitions) {
        return addPartitions(transactionalId, producerId, producerEpoch, partitions, TransactionVersion.TV_0);
    }

    /**
     * The implicit add of transaction version 2 (KIP-890 part 2): a broker adds a partition on the client's behalf
     * (TxnOffsetCommit v5 adds the group's offsets partition; a leader adds a data partition with
     * AddPartitionsToTxn v5 verifyOnly=false). Same checks and answers as {@link #addPartitions}, recorded as
     * version 2.
     */
    public CompletableFuture<Errors> addPartitionsImplicitly(String transactionalId, long producerId,
                                                             short producerEpoch, Set<TopicPartition> partitions) {
        return addPartitions(transactionalId, producerId, producerEpoch, partitions, TransactionVersion.TV_2);
    }

    private CompletableFuture<Errors> addPartitions(String transactionalId, long producerId, short producerEpoch,
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
            TxnTransitMetadata transit = metadata.prepareAddPartitions(partitions, clientVersion);
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

    /** What EndTxn answers; for transaction version 2 (v5+) also the producer id and epoch to continue with. */
    public record EndResult(Errors error, long producerId, short producerEpoch) {
        public static EndResult error(Errors error) {
            return new EndResult(error, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH);
        }
    }

    /** Marks an end that needs a producer id (its epoch overflows) the caller has not allocated yet. */
    private static final EndResult END_NEEDS_PRODUCER_ID = EndResult.error(Errors.NONE);

    /**
     * EndTxn of either protocol: {@code clientVersion} comes from the request version
     * ({@link TransactionVersion#forEndTxnVersion}). Version 2 is {@link EndTxnV2Decision}'s: the epoch is bumped on
     * every commit and abort and the answer carries the new one, or a new producer id at epoch 0 once the epoch
     * would pass {@code Short.MAX_VALUE - 1} (allocated off the shard thread, then the decision runs again).
     */
    public CompletableFuture<EndResult> endTransaction(String transactionalId, long producerId, short producerEpoch,
                                                       boolean commit, TransactionVersion clientVersion) {
        if (!clientVersion.supportsEpochBump()) {
            return endTransaction(transactionalId, producerId, producerEpoch, commit).thenApply(EndResult::error);
        }
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(EndResult.error(Errors.INVALID_REQUEST));
        }
        int partition = coordinator.partitionFor(transactionalId);
        return endV2(partition, transactionalId, producerId, producerEpoch, commit, OptionalLong.empty())
                .thenCompose(result -> {
                    if (result != END_NEEDS_PRODUCER_ID) {
                        return CompletableFuture.completedFuture(result);
                    }
                    return CompletableFuture.supplyAsync(producerIds::getAsLong, completions).thenCompose(id ->
                                    endV2(partition, transactionalId, producerId, producerEpoch, commit,
                                            OptionalLong.of(id)))
                            .thenApply(r -> r == END_NEEDS_PRODUCER_ID
                                    ? EndResult.error(Errors.CONCURRENT_TRANSACTIONS) : r);
                });
    }

    private CompletableFuture<EndResult> endV2(int partition, String transactionalId, long producerId,
                                               short producerEpoch, boolean commit, OptionalLong newProducerId) {
        return coordinator.write(partition, shard -> {
            TransactionMetadata metadata = shard.get(transactionalId);
            EndTxnV2Decision.Decision decision = EndTxnV2Decision.decide(metadata, producerId, producerEpoch, commit);
            if (decision instanceof EndTxnV2Decision.Answer answer) {
                return TransactionCoordinator.Step.answer(
                        new EndResult(answer.error(), answer.producerId(), answer.producerEpoch()));
            }
            TransactionState target = ((EndTxnV2Decision.Prepare) decision).target();
            long nextProducerId = TransactionMetadata.NO_PRODUCER_ID;
            if (metadata.isProducerEpochExhausted()) {
                if (newProducerId.isEmpty() || newProducerId.getAsLong() == metadata.producerId()) {
                    return TransactionCoordinator.Step.answer(END_NEEDS_PRODUCER_ID);
                }
                nextProducerId = newProducerId.getAsLong();
            }
            TxnTransitMetadata transit = metadata.prepareAbortOrCommit(target, TransactionVersion.TV_2,
                    nextProducerId);
            // On overflow the client continues with the next id at epoch 0, which COMPLETE_* moves the metadata to.
            EndResult answer = nextProducerId != TransactionMetadata.NO_PRODUCER_ID
                    ? new EndResult(Errors.NONE, nextProducerId, (short) 0)
                    : new EndResult(Errors.NONE, transit.producerId(), transit.producerEpoch());
            return new TransactionCoordinator.Step<>(List.of(entry(transactionalId, transit)), answer,
                    TransactionCoordinator.cancel(metadata, transit));
        });
    }

    /**
     * EndTxn v0-4 (transaction version 0/1): PREPARE_COMMIT/PREPARE_ABORT written with the same epoch; markers and
     * COMPLETE_* follow asynchronously.
     */
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
            // The request's protocol, not the metadata's: a version-1 client never expects an epoch bump.
            TxnTransitMetadata transit = metadata.prepareAbortOrCommit(
                    commit ? TransactionState.PREPARE_COMMIT : TransactionState.PREPARE_ABORT,
                    TransactionVersion.TV_0, TransactionMetadata.NO_PRODUCER_ID);
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
