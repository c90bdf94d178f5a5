package io.strata.engine.handler.data;

import io.strata.engine.cluster.Partition;
import io.strata.engine.cluster.ReplicaManager;
import io.strata.engine.config.LogConfig;
import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.log.LogStartOffsetReason;
import io.strata.engine.log.PartitionLog;
import io.strata.engine.metadata.MetadataCache;
import io.strata.engine.network.RequestContext;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * DeleteRecords v0-2 (v2 flexible; {@code kafka-delete-records.sh}, Admin {@code deleteRecords}): per partition, on
 * its leader, moves the log start offset to the requested offset ({@code -1}: the high watermark), so reads below
 * it get OFFSET_OUT_OF_RANGE and retention deletes the segments wholly below it. Refused with
 * OFFSET_OUT_OF_RANGE above the high watermark (or for a negative offset), POLICY_VIOLATION when cleanup.policy
 * contains compact but not delete (an empty policy allows it, as in Kafka 4.2), INVALID_TOPIC_EXCEPTION for
 * internal topics, NOT_LEADER_OR_FOLLOWER off the leader. The response waits (at most the request's timeout, in
 * the produce purgatory) until the low watermark, the lowest log start offset over the leader and the followers
 * on live brokers, reaches the target, and carries that low watermark.
 */
public final class DeleteRecordsHandler extends TypedApiHandler<DeleteRecordsRequest> {
    private final MetadataCache metadata;
    private final ReplicaManager replicaManager;

    public DeleteRecordsHandler(MetadataCache metadata, ReplicaManager replicaManager) {
        super(ApiKeys.DELETE_RECORDS, DeleteRecordsRequest.class, 0, 2);
        this.metadata = metadata;
        this.replicaManager = replicaManager;
    }

    /** One partition of the request: its result, and what it waits for when it moved the log start. */
    record Target(TopicPartition tp, Partition partition, long requiredOffset,
                  DeleteRecordsResponseData.DeleteRecordsPartitionResult result) {
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, DeleteRecordsRequest request) {
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        List<Target> waiting = new ArrayList<>();
        Set<TopicPartition> keys = new LinkedHashSet<>();
        for (DeleteRecordsRequestData.DeleteRecordsTopic topic : request.data().topics()) {
            DeleteRecordsResponseData.DeleteRecordsTopicResult topicResult = response.topics().find(topic.name());
            if (topicResult == null) {
                topicResult = new DeleteRecordsResponseData.DeleteRecordsTopicResult().setName(topic.name());
                response.topics().add(topicResult);
            }
            for (DeleteRecordsRequestData.DeleteRecordsPartition p : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                DeleteRecordsResponseData.DeleteRecordsPartitionResult result =
                        new DeleteRecordsResponseData.DeleteRecordsPartitionResult()
                                .setPartitionIndex(p.partitionIndex())
                                .setLowWatermark(DeleteRecordsResponse.INVALID_LOW_WATERMARK);
                if (topicResult.partitions().find(p.partitionIndex()) != null) {
                    continue; // a duplicate: the first entry answers
                }
                topicResult.partitions().add(result);
                Target target = deleteOnLeader(tp, p.offset(), result);
                if (target != null) {
                    waiting.add(target);
                    keys.add(tp);
                }
            }
        }
        if (waiting.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        CompletableFuture<ApiMessage> done = new CompletableFuture<>();
        DelayedDeleteRecords delayed = new DelayedDeleteRecords(waiting, () -> done.complete(response));
        replicaManager.producePurgatory().tryCompleteElseWatch(delayed, keys, Math.max(0, request.data().timeoutMs()));
        return done;
    }

    /** Moves the log start; returns what to wait for, or null with the error set in {@code result}. */
    private Target deleteOnLeader(TopicPartition tp, long offset,
                                  DeleteRecordsResponseData.DeleteRecordsPartitionResult result) {
        Partition partition = replicaManager.partition(tp).orElse(null);
        if (partition == null) {
            result.setErrorCode(metadata.missingPartitionError(tp).code());
            return null;
        }
        try {
            if (Topic.isInternal(tp.topic())) {
                throw new InvalidTopicException("Cannot delete records of internal topic " + tp.topic());
            }
            partition.checkLeader();
            PartitionLog log = partition.log();
            LogConfig config = log.config();
            if (config.compact() && !config.delete()) {
                throw new PolicyViolationException("Records of partition " + tp
                        + " can not be deleted due to the configured policy");
            }
            long target = offset == DeleteRecordsRequest.HIGH_WATERMARK ? log.highWatermark() : offset;
            if (target < 0) {
                throw new OffsetOutOfRangeException("The offset " + target + " for partition " + tp + " is not valid");
            }
            log.maybeIncrementLogStartOffset(target, LogStartOffsetReason.CLIENT_RECORD_DELETION);
            result.setErrorCode(Errors.NONE.code());
            return new Target(tp, partition, target, result);
        } catch (RuntimeException e) {
            result.setErrorCode(Errors.forException(e).code());
            return null;
        }
    }
}
