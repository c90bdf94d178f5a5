package io.strata.engine.handler.data;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.cluster.Partition;
import io.strata.engine.cluster.ReplicaManager;
import io.strata.engine.log.checkpoint.LeaderEpochCache;
import io.strata.engine.network.RequestContext;
import io.strata.engine.metadata.MetadataCache;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;

import java.util.concurrent.CompletableFuture;

/**
 * OffsetForLeaderEpoch v2-4: the end offset of a leader epoch, so consumers (and later followers) can
 * detect log truncation after a leader change. Answered from the partition's leader-epoch cache.
 */
public final class OffsetForLeaderEpochHandler extends TypedApiHandler<OffsetsForLeaderEpochRequest> {
    private final MetadataCache metadata;
    private final ReplicaManager replicaManager;

    public OffsetForLeaderEpochHandler(MetadataCache metadata, ReplicaManager replicaManager) {
        super(ApiKeys.OFFSET_FOR_LEADER_EPOCH, OffsetsForLeaderEpochRequest.class, 2, 4);
        this.metadata = metadata;
        this.replicaManager = replicaManager;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, OffsetsForLeaderEpochRequest request) {
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
        for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic : request.data().topics()) {
            OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult result =
                    new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult().setTopic(topic.topic());
            for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p : topic.partitions()) {
                result.partitions().add(endOffset(new TopicPartition(topic.topic(), p.partition()), p));
            }
            response.topics().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    private OffsetForLeaderEpochResponseData.EpochEndOffset endOffset(TopicPartition tp,
                                                                      OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p) {
        OffsetForLeaderEpochResponseData.EpochEndOffset out = new OffsetForLeaderEpochResponseData.EpochEndOffset()
                .setPartition(p.partition())
                .setLeaderEpoch(-1)
                .setEndOffset(-1);
        Partition partition = replicaManager.partition(tp).orElse(null);
        if (partition == null) {
            Errors error = metadata.missingPartitionError(tp);
            return out.setErrorCode(error.code());
        }
        try {
            partition.checkLeader(); // followers serve no clients (no KIP-392 fetch-from-follower)
            partition.checkLeaderEpoch(p.currentLeaderEpoch());
            LeaderEpochCache.EpochEndOffset end = partition.log().leaderEpochCache()
                    .endOffsetFor(p.leaderEpoch(), partition.log().logEndOffset());
            return out.setErrorCode(Errors.NONE.code()).setLeaderEpoch(end.epoch()).setEndOffset(end.endOffset());
        } catch (RuntimeException e) {
            return out.setErrorCode(Errors.forException(e).code());
        }
    }
}
