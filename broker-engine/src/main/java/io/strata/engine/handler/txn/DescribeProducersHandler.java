package io.strata.engine.handler.txn;

import io.strata.engine.cluster.Partition;
import io.strata.engine.cluster.ReplicaManager;
import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.log.producer.ProducerStateManager;
import io.strata.engine.metadata.MetadataCache;
import io.strata.engine.network.RequestContext;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeProducersRequest;

import java.util.concurrent.CompletableFuture;

/**
 * DescribeProducers v0 (Admin {@code describeProducers}, {@code kafka-transactions.sh describe-producers}): the
 * producers the leader of each named partition holds state for, with their epoch, last sequence and timestamp, the
 * coordinator epoch of their last marker and the first offset of their open transaction (-1 if none). Partitions
 * led elsewhere get NOT_LEADER_OR_FOLLOWER, unknown ones UNKNOWN_TOPIC_OR_PARTITION. Reads the producer state only.
 */
public final class DescribeProducersHandler extends TypedApiHandler<DescribeProducersRequest> {
    private final MetadataCache metadata;
    private final ReplicaManager replicaManager;

    public DescribeProducersHandler(MetadataCache metadata, ReplicaManager replicaManager) {
        super(ApiKeys.DESCRIBE_PRODUCERS, DescribeProducersRequest.class, 0, 0);
        this.metadata = metadata;
        this.replicaManager = replicaManager;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, DescribeProducersRequest request) {
        DescribeProducersResponseData response = new DescribeProducersResponseData();
        for (DescribeProducersRequestData.TopicRequest topic : request.data().topics()) {
            DescribeProducersResponseData.TopicResponse topicResponse =
                    new DescribeProducersResponseData.TopicResponse().setName(topic.name());
            for (int index : topic.partitionIndexes()) {
                topicResponse.partitions().add(describe(new TopicPartition(topic.name(), index)));
            }
            response.topics().add(topicResponse);
        }
        return CompletableFuture.completedFuture(response);
    }

    private DescribeProducersResponseData.PartitionResponse describe(TopicPartition tp) {
        DescribeProducersResponseData.PartitionResponse out = new DescribeProducersResponseData.PartitionResponse()
                .setPartitionIndex(tp.partition());
        Partition partition = replicaManager.partition(tp).orElse(null);
        if (partition == null) {
            boolean known = metadata.topic(tp.topic()).map(t -> tp.partition() >= 0
                    && tp.partition() < t.partitions().size()).orElse(false);
            return out.setErrorCode((known ? Errors.NOT_LEADER_OR_FOLLOWER : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
        }
        if (!partition.isLeader()) {
            return out.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
        }
        for (ProducerStateManager.ActiveProducer p : partition.log().producerState().activeProducers()) {
            out.activeProducers().add(new DescribeProducersResponseData.ProducerState()
                    .setProducerId(p.producerId())
                    .setProducerEpoch(p.epoch())
                    .setLastSequence(p.lastSequence())
                    .setLastTimestamp(p.lastTimestamp())
                    .setCoordinatorEpoch(p.coordinatorEpoch())
                    .setCurrentTxnStartOffset(p.currentTxnFirstOffset().orElse(-1)));
        }
        return out.setErrorCode(Errors.NONE.code());
    }
}
