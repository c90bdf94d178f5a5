package io.strata.engine.handler.group;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.group.GroupCoordinator;
import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.metadata.TopicMetadata;
import io.strata.engine.network.RequestContext;
import io.strata.engine.txn.TransactionCoordinator;
import io.strata.engine.txn.TransactionStateTopic;
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
 * FindCoordinator v0-6 for groups and (v1+) transactional ids, single (v0-3) or batched keys (v4+): the
 * coordinator of a group is the leader of its {@code __consumer_offsets} partition, that of a transactional id the
 * leader of its {@code __transaction_state} partition; each topic is created on the first lookup, once its
 * replication factor's worth of brokers are live (COORDINATOR_NOT_AVAILABLE until then). Share coordinators do not
 * exist yet and are refused with an explicit message.
 */
public final class FindCoordinatorHandler extends TypedApiHandler<FindCoordinatorRequest> {
    private static final Logger log = LoggerFactory.getLogger(FindCoordinatorHandler.class);

    private final GroupCoordinator coordinator;
    private final TransactionCoordinator transactions;
    private final MetadataCache metadata;

    public FindCoordinatorHandler(GroupCoordinator coordinator, TransactionCoordinator transactions,
                                  MetadataCache metadata) {
        super(ApiKeys.FIND_COORDINATOR, FindCoordinatorRequest.class, 0, 6);
        this.coordinator = coordinator;
        this.transactions = transactions;
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
        if (keyType == FindCoordinatorRequest.CoordinatorType.TRANSACTION.id()) {
            return findTransactionCoordinator(key, out);
        }
        if (keyType != FindCoordinatorRequest.CoordinatorType.GROUP.id()) {
            return out.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Strata has no coordinator for key type "
                    + keyType + " (only consumer groups and transactions)");
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
        return leaderOf(topic, coordinator.partitionFor(key), out);
    }

    private FindCoordinatorResponseData.Coordinator findTransactionCoordinator(
            String transactionalId, FindCoordinatorResponseData.Coordinator out) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return out.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Empty transactional id");
        }
        TopicMetadata topic;
        try {
            topic = transactions.ensureStateTopic();
        } catch (CoordinatorNotAvailableException e) {
            log.debug("No transaction coordinator yet: {}", e.getMessage());
            return out.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code()).setErrorMessage(e.getMessage());
        } catch (RuntimeException e) {
            log.warn("Cannot create the transaction state topic", e);
            return out.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code()).setErrorMessage(e.getMessage());
        }
        return leaderOf(topic, TransactionStateTopic.partitionFor(transactionalId, topic.partitions().size()), out);
    }

    private FindCoordinatorResponseData.Coordinator leaderOf(TopicMetadata topic, int partition,
                                                             FindCoordinatorResponseData.Coordinator out) {
        int leader = topic.partitions().get(partition).leader();
        Optional<BrokerRegistration> broker = metadata.broker(leader);
        if (broker.isEmpty()) {
            return out.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                    .setErrorMessage("The leader of " + topic.name() + "-" + partition + " is not available");
        }
        return out.setErrorCode(Errors.NONE.code()).setErrorMessage(null).setNodeId(leader)
                .setHost(broker.get().host()).setPort(broker.get().port());
    }
}
