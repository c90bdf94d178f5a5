package io.strata.engine.handler.group;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.group.GroupCoordinator;
import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.metadata.TopicMetadata;
import io.strata.engine.network.RequestContext;
import io.strata.engine.metadata.MetadataCache;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * FindCoordinator v0-6 for groups, single (v0-3) or batched keys (v4+): the coordinator of a group is the leader
 * of its {@code __consumer_offsets} partition; the topic is created on the first lookup, once
 * {@code offsets.topic.replication.factor} brokers are live (COORDINATOR_NOT_AVAILABLE until then). Transaction and
 * share coordinators do not exist yet and are refused with an explicit message.
 */
public final class FindCoordinatorHandler extends TypedApiHandler<FindCoordinatorRequest> {
    private static final Logger log = LoggerFactory.getLogger(FindCoordinatorHandler.class);

    private final GroupCoordinator coordinator;
    private final MetadataCache metadata;

    public FindCoordinatorHandler(GroupCoordinator coordinator, MetadataCache metadata) {
        super(ApiKeys.FIND_COORDINATOR, FindCoordinatorRequest.class, 0, 6);
        this.coordinator = coordinator;
        this.metadata = metadata;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, FindCoordinatorRequest request) {
        byte keyType = request.data().keyType();
        FindCoordinatorResponseData response = new FindCoordinatorResponseData();
        if (context.apiVersion() < FindCoordinatorRequest.MIN_BATCHED_VERSION) {
            FindCoordinatorResponseData.Coordinator c = find(keyType, request.data().key());
            return CompletableFuture.completedFuture(response.setErrorCode(c.errorCode())
                    .setErrorMessage(c.errorMessage()).setNodeId(c.nodeId()).setHost(c.host()).setPort(c.port()));
        }
        List<String> keys = request.data().coordinatorKeys();
        for (String key : keys) {
            response.coordinators().add(find(keyType, key));
        }
        return CompletableFuture.completedFuture(response);
    }

    private FindCoordinatorResponseData.Coordinator find(byte keyType, String key) {
        FindCoordinatorResponseData.Coordinator out = new FindCoordinatorResponseData.Coordinator()
                .setKey(key).setNodeId(-1).setHost("").setPort(-1);
        if (keyType != 0) {
            return out.setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage("Strata has no coordinator for key type " + keyType + " (only consumer groups)");
        }
        TopicMetadata topic;
        try {
            topic = coordinator.ensureOffsetsTopic();
        } catch (CoordinatorNotAvailableException e) {
            // expected while the coordinator starts or too few brokers are live; clients retry
            log.debug("No group coordinator yet: {}", e.getMessage());
            return out.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code()).setErrorMessage(e.getMessage());
        } catch (RuntimeException e) {
            log.warn("Cannot create the offsets topic", e);
            return out.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code()).setErrorMessage(e.getMessage());
        }
        int partition = coordinator.partitionFor(key);
        int leader = topic.partitions().get(partition).leader();
        Optional<BrokerRegistration> broker = metadata.broker(leader);
        if (broker.isEmpty()) {
            return out.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                    .setErrorMessage("The leader of __consumer_offsets-" + partition + " is not available");
        }
        return out.setErrorCode(Errors.NONE.code()).setErrorMessage(null).setNodeId(leader)
                .setHost(broker.get().host()).setPort(broker.get().port());
    }
}
