package io.strata.engine.handler.admin;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.network.RequestContext;
import io.strata.engine.topic.BrokerConfigService;
import io.strata.engine.topic.TopicService;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.ApiError;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * AlterConfigs v0-2 (v1 is v0, v2 adds flexible encoding): the configs given for a TOPIC or BROKER resource (this
 * broker's id, or "" for the cluster-wide default) become its overrides and every override not named is dropped,
 * as in Kafka. Kafka deprecated this API for IncrementalAlterConfigs; older tools (and kafka-configs.sh for
 * brokers) still send it.
 */
public final class AlterConfigsHandler extends TypedApiHandler<AlterConfigsRequest> {
    private final TopicService topics;
    private final BrokerConfigService brokerConfigs;

    public AlterConfigsHandler(TopicService topics, BrokerConfigService brokerConfigs) {
        super(ApiKeys.ALTER_CONFIGS, AlterConfigsRequest.class, 0, 2);
        this.topics = topics;
        this.brokerConfigs = brokerConfigs;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, AlterConfigsRequest request) {
        AlterConfigsRequestData data = request.data();
        List<AlterConfigsResource> resources = new ArrayList<>(data.resources());
        List<ApiError> errors = ConfigAlterations.alterEach(resources, AlterConfigsHandler::view,
                r -> topics.alterConfigs(r.resourceName(), overrides -> replacement(r), data.validateOnly()),
                r -> brokerConfigs.alter(r.resourceName(), overrides -> replacement(r), data.validateOnly()));
        AlterConfigsResponseData response = new AlterConfigsResponseData();
        for (int i = 0; i < resources.size(); i++) {
            response.responses().add(new AlterConfigsResponseData.AlterConfigsResourceResponse()
                    .setResourceType(resources.get(i).resourceType())
                    .setResourceName(resources.get(i).resourceName())
                    .setErrorCode(errors.get(i).error().code())
                    .setErrorMessage(errors.get(i).message()));
        }
        return CompletableFuture.completedFuture(response);
    }

    private static Map<String, String> replacement(AlterConfigsResource resource) {
        Map<String, String> out = new HashMap<>();
        resource.configs().forEach(c -> out.put(c.name(), c.value()));
        return out;
    }

    private static ConfigAlterations.Resource view(AlterConfigsResource resource) {
        List<String> names = new ArrayList<>();
        List<String> withoutValue = new ArrayList<>();
        for (AlterableConfig config : resource.configs()) {
            names.add(config.name());
            if (config.value() == null) {
                withoutValue.add(config.name());
            }
        }
        return new ConfigAlterations.Resource(resource.resourceType(), resource.resourceName(), names, withoutValue);
    }
}
