package io.strata.engine.handler.admin;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.network.RequestContext;
import io.strata.engine.topic.BrokerConfigService;
import io.strata.engine.topic.TopicService;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * IncrementalAlterConfigs v0-1 (v1 only adds flexible encoding): SET, DELETE, APPEND and SUBTRACT on TOPIC
 * resources and on BROKER resources (this broker's id, or "" for the cluster-wide default; see
 * {@link ConfigOperations}), applied to this broker's logs before the reply. Other resource types are refused per
 * resource.
 */
public final class IncrementalAlterConfigsHandler extends TypedApiHandler<IncrementalAlterConfigsRequest> {
    private final TopicService topics;
    private final BrokerConfigService brokerConfigs;

    public IncrementalAlterConfigsHandler(TopicService topics, BrokerConfigService brokerConfigs) {
        super(ApiKeys.INCREMENTAL_ALTER_CONFIGS, IncrementalAlterConfigsRequest.class, 0, 1);
        this.topics = topics;
        this.brokerConfigs = brokerConfigs;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, IncrementalAlterConfigsRequest request) {
        IncrementalAlterConfigsRequestData data = request.data();
        List<AlterConfigsResource> resources = new ArrayList<>(data.resources());
        List<ApiError> errors = ConfigAlterations.alterEach(resources, IncrementalAlterConfigsHandler::view,
                r -> topics.alterConfigs(r.resourceName(), overrides -> ConfigOperations.apply(overrides, r.configs(),
                        ConfigOperations.TOPIC), data.validateOnly()),
                r -> brokerConfigs.alter(r.resourceName(), overrides -> ConfigOperations.apply(overrides, r.configs(),
                        ConfigOperations.BROKER), data.validateOnly()));
        IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
        for (int i = 0; i < resources.size(); i++) {
            response.responses().add(new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
                    .setResourceType(resources.get(i).resourceType())
                    .setResourceName(resources.get(i).resourceName())
                    .setErrorCode(errors.get(i).error().code())
                    .setErrorMessage(errors.get(i).message()));
        }
        return CompletableFuture.completedFuture(response);
    }

    /** Only DELETE may come without a value. */
    private static ConfigAlterations.Resource view(AlterConfigsResource resource) {
        List<String> names = new ArrayList<>();
        List<String> withoutValue = new ArrayList<>();
        for (AlterableConfig config : resource.configs()) {
            names.add(config.name());
            if (config.value() == null && config.configOperation() != OpType.DELETE.id()) {
                withoutValue.add(config.name());
            }
        }
        return new ConfigAlterations.Resource(resource.resourceType(), resource.resourceName(), names, withoutValue);
    }
}
