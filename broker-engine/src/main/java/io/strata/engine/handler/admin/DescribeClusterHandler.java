package io.strata.engine.handler.admin;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.network.RequestContext;
import io.strata.engine.metadata.MetadataCache;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeClusterRequest;

import java.util.concurrent.CompletableFuture;

/**
 * DescribeCluster v0-2: cluster id, the controller (the broker holding the controller lease, as of this
 * broker's last metadata poll) and brokers (the broker endpoint type only; there are no separate controller nodes).
 */
public final class DescribeClusterHandler extends TypedApiHandler<DescribeClusterRequest> {
    private static final byte BROKER_ENDPOINT_TYPE = 1;

    private final String clusterId;
    private final MetadataCache metadata;

    public DescribeClusterHandler(String clusterId, MetadataCache metadata) {
        super(ApiKeys.DESCRIBE_CLUSTER, DescribeClusterRequest.class, 0, 2);
        this.clusterId = clusterId;
        this.metadata = metadata;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, DescribeClusterRequest request) {
        DescribeClusterResponseData response = new DescribeClusterResponseData()
                .setClusterId(clusterId)
                .setControllerId(metadata.controllerId()) // the lease holder; -1 until one is seen
                .setEndpointType(BROKER_ENDPOINT_TYPE);
        if (context.apiVersion() >= 1 && request.data().endpointType() != BROKER_ENDPOINT_TYPE) {
            return CompletableFuture.completedFuture(response
                    .setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                    .setErrorMessage("Only the broker endpoint type is served here"));
        }
        for (BrokerRegistration broker : metadata.brokers()) {
            response.brokers().add(new DescribeClusterResponseData.DescribeClusterBroker()
                    .setBrokerId(broker.brokerId()).setHost(broker.host()).setPort(broker.port())
                    .setRack(broker.rack()).setIsFenced(false));
        }
        return CompletableFuture.completedFuture(response.setErrorCode(Errors.NONE.code()));
    }
}
