package io.strata.engine.txn;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * ListTransactions and DescribeTransactions over the committed state of the shards this broker serves (what
 * {@code kafka-transactions.sh list/describe} and the Admin client use), with Kafka's filters and errors. Ids
 * created by an InitProducerId whose first record is not committed yet are not shown.
 *
 * <p>Threads: called on request threads; the reads run on the shards' threads and hand back immutable values.
 */
public final class TransactionListing {
    private final TransactionCoordinator coordinator;
    private final LongSupplier clockMs;

    TransactionListing(TransactionCoordinator coordinator, LongSupplier clockMs) {
        this.coordinator = coordinator;
        this.clockMs = clockMs;
    }

    /** One listed transaction. */
    public record Listed(String transactionalId, long producerId, String state) {
    }

    /** What ListTransactions answers; {@code error} is COORDINATOR_LOAD_IN_PROGRESS while a partition loads. */
    public record ListResult(Errors error, List<String> unknownStateFilters, List<Listed> transactions) {
    }

    /** One described transactional id. */
    public record Described(Errors error, String transactionalId, String state, int timeoutMs, long startTimeMs,
                            long producerId, short producerEpoch, Set<TopicPartition> partitions) {
        static Described error(String transactionalId, Errors error) {
            return new Described(error, transactionalId, "", 0, -1, -1, (short) -1, Set.of());
        }
    }

    /**
     * @param stateFilters      state display names; empty for all (unknown names are reported back)
     * @param producerIdFilters producer ids; empty for all
     * @param durationFilterMs  only transactions running longer than this; negative for all
     * @param idPattern         a regular expression the whole id must match, or null
     */
    public CompletableFuture<ListResult> list(List<String> stateFilters, List<Long> producerIdFilters,
                                              long durationFilterMs, String idPattern) {
        List<String> unknown = new ArrayList<>();
        Set<TransactionState> states = new java.util.HashSet<>();
        for (String name : stateFilters) {
            Optional<TransactionState> state = TransactionState.fromDisplayName(name);
            if (state.isPresent()) {
                states.add(state.get());
            } else {
                unknown.add(name);
            }
        }
        if (coordinator.isLoading()) {
            return CompletableFuture.completedFuture(new ListResult(Errors.COORDINATOR_LOAD_IN_PROGRESS, unknown,
                    List.of()));
        }
        if (!unknown.isEmpty() && states.isEmpty()) {
            return CompletableFuture.completedFuture(new ListResult(Errors.NONE, unknown, List.of()));
        }
        Pattern pattern;
        try {
            pattern = idPattern == null || idPattern.isEmpty() ? null : Pattern.compile(idPattern);
        } catch (java.util.regex.PatternSyntaxException e) {
            return CompletableFuture.completedFuture(new ListResult(Errors.INVALID_REGULAR_EXPRESSION, unknown,
                    List.of()));
        }
        Set<Long> producerIds = Set.copyOf(producerIdFilters);
        long now = clockMs.getAsLong();
        List<CompletableFuture<List<Listed>>> shards = coordinator.readAll(shard -> {
            List<Listed> listed = new ArrayList<>();
            for (TransactionMetadata m : shard.all()) {
                boolean include = isCommitted(m)
                        && (producerIds.isEmpty() || producerIds.contains(m.producerId()))
                        && (states.isEmpty() || states.contains(m.state()))
                        && (durationFilterMs < 0 || now - m.txnStartTimestamp() > durationFilterMs)
                        && (pattern == null || pattern.matcher(m.transactionalId()).matches());
                if (include) {
                    listed.add(new Listed(m.transactionalId(), m.producerId(), m.state().displayName()));
                }
            }
            return listed;
        });
        return CompletableFuture.allOf(shards.toArray(new CompletableFuture<?>[0])).handle((ignored, failure) -> {
            List<Listed> all = new ArrayList<>();
            for (CompletableFuture<List<Listed>> shard : shards) {
                if (!shard.isCompletedExceptionally()) {
                    all.addAll(shard.join()); // a shard unloaded meanwhile: its ids are the next leader's
                }
            }
            return new ListResult(Errors.NONE, unknown, all);
        });
    }

    /** Describes one id; NOT_COORDINATOR if its partition is not served here, TRANSACTIONAL_ID_NOT_FOUND if unknown. */
    public CompletableFuture<Described> describe(String transactionalId) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(Described.error(transactionalId, Errors.TRANSACTIONAL_ID_NOT_FOUND));
        }
        return coordinator.read(coordinator.partitionFor(transactionalId), shard -> {
            TransactionMetadata m = shard.get(transactionalId);
            if (m == null || !isCommitted(m)) {
                return Described.error(transactionalId, Errors.TRANSACTIONAL_ID_NOT_FOUND);
            }
            return new Described(Errors.NONE, transactionalId, m.state().displayName(), m.txnTimeoutMs(),
                    m.txnStartTimestamp(), m.producerId(), m.producerEpoch(), m.topicPartitions());
        }).exceptionally(failure -> Described.error(transactionalId,
                io.strata.engine.coordinator.CoordinatorErrors.errorOf(failure)));
    }

    /** An id whose first transition is committed (fresh metadata has no epoch yet). */
    private static boolean isCommitted(TransactionMetadata m) {
        return m.producerEpoch() >= 0;
    }
}
