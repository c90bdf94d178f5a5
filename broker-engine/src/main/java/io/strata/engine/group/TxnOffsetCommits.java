package io.strata.engine.group;

import io.strata.engine.config.GroupConfig;
import io.strata.engine.coordinator.CoordinatorErrors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Transactional offset commits (KIP-98, KIP-447) in the group coordinator: TxnOffsetCommit appends the offsets to
 * the group's {@code __consumer_offsets} partition as a transactional batch of the producer, where the shard holds
 * them pending ({@link PendingTxnOffsets}) until the producer's transaction ends; the marker the transaction
 * coordinator sends (WriteTxnMarkers) is written through the same partition's runtime queue
 * ({@link #completeTransaction}), so it is ordered with the shard's own writes, and once committed makes the
 * pending offsets the group's committed offsets (commit) or drops them (abort).
 *
 * <p>Not done here: Kafka's coordinator also asks the transaction coordinator whether the producer added the
 * group's partition to its transaction (AddOffsetsToTxn, or implicitly with TV2). That verification belongs to the
 * transaction coordinator and is not made; the partition does fence older producer epochs.
 *
 * <p>Thread-safety: stateless; operations run on the shard's coordinator thread through {@link GroupRegistry}.
 */
public final class TxnOffsetCommits {
    private static final Logger log = LoggerFactory.getLogger(TxnOffsetCommits.class);

    private final GroupRegistry registry;
    private final GroupConfig config;
    private final Time time;
    private final GroupMetrics metrics;

    TxnOffsetCommits(GroupRegistry registry, GroupConfig config, Time time, GroupMetrics metrics) {
        this.registry = registry;
        this.config = config;
        this.time = time;
        this.metrics = metrics;
    }

    /**
     * Writes the offsets as pending offsets of {@code producerId}'s transaction. {@code generation},
     * {@code memberId} and {@code instanceId} (TxnOffsetCommit v3+; -1, "" and null before) fence zombie members
     * as Kafka does for classic groups: with any of them given the member must be current, without them (and with
     * generation -1 on an empty group) the commit is accepted; the group's rebalance state does not matter.
     */
    public CompletableFuture<GroupOffsets.CommitResult> commit(String groupId, long producerId, short producerEpoch,
                                                               int generation, String memberId, String instanceId,
                                                               Map<TopicPartition, CommittedOffset> offsets) {
        return registry.writeTransactional(groupId, producerId, producerEpoch, shard -> {
            ClassicGroup group = generation < 0 ? shard.getOrCreate(groupId) : shard.get(groupId);
            if (group == null) {
                return new GroupOffsets.CommitResult(Errors.ILLEGAL_GENERATION, Map.of());
            }
            Errors error = validate(group, generation, memberId, instanceId);
            if (error != Errors.NONE) {
                return new GroupOffsets.CommitResult(error, Map.of());
            }
            Map<TopicPartition, Errors> results = new LinkedHashMap<>();
            long now = time.milliseconds();
            for (Map.Entry<TopicPartition, CommittedOffset> e : offsets.entrySet()) {
                CommittedOffset offset = e.getValue();
                if (offset.metadata().length() > config.offsetMetadataMaxBytes()) {
                    results.put(e.getKey(), Errors.OFFSET_METADATA_TOO_LARGE);
                    continue;
                }
                shard.append(new GroupRecords.OffsetEntry(groupId, e.getKey(),
                        new CommittedOffset(offset.offset(), offset.leaderEpoch(), offset.metadata(), now)));
                group.offsetWritten(e.getKey()); // a deletion meanwhile tombstones it too
                results.put(e.getKey(), Errors.NONE);
            }
            List<TopicPartition> written = results.entrySet().stream().filter(r -> r.getValue() == Errors.NONE)
                    .map(Map.Entry::getKey).toList();
            shard.onWriteFailure(s -> written.forEach(group::offsetWriteEnded));
            metrics.offsetsCommitted(written.size());
            return new GroupOffsets.CommitResult(Errors.NONE, results);
        }).exceptionally(failure -> {
            if (!(CoordinatorErrors.unwrapped(failure) instanceof ApiException)) {
                log.warn("Transactional offset commit of group {} failed", groupId, failure);
            }
            return new GroupOffsets.CommitResult(CoordinatorErrors.errorOf(failure), Map.of());
        });
    }

    /** Kafka's ClassicGroup.validateOffsetCommit for a transactional commit. */
    private static Errors validate(ClassicGroup group, int generation, String memberId, String instanceId) {
        if (group.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (generation < 0 && group.is(GroupState.EMPTY)) {
            return Errors.NONE; // a standalone consumer or an admin
        }
        if (generation >= 0 || (memberId != null && !memberId.isEmpty()) || instanceId != null) {
            if (instanceId != null && group.staticMemberId(instanceId) == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            return GroupMembership.validateMember(group, memberId == null ? "" : memberId, instanceId, generation);
        }
        return Errors.NONE; // v0-2 carry no member: accepted whatever the group's state
    }

    /**
     * Ends {@code producerId}'s transaction on offsets partition {@code partition} (a WriteTxnMarkers marker for it):
     * the marker is appended in order with the shard's writes and, once committed, materialises or drops the
     * producer's pending offsets. Fails as the runtime's writes do, or with the partition's refusal of the marker
     * (INVALID_PRODUCER_EPOCH, TRANSACTION_COORDINATOR_FENCED).
     */
    public CompletableFuture<Void> completeTransaction(int partition, long producerId, short producerEpoch,
                                                       int coordinatorEpoch, boolean commit) {
        return registry.runtime().scheduleTransactionCompletion(partition, producerId, producerEpoch, coordinatorEpoch,
                commit);
    }
}
