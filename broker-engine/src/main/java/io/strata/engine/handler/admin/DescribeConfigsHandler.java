package io.strata.engine.handler.admin;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.network.RequestContext;
import io.strata.engine.config.ConfigDescriber;
import io.strata.engine.metadata.MetadataCache;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsRequest;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeConfigs v1-4 for topics, for this broker and for the cluster-wide broker defaults (broker name ""), with
 * sources (topic override, this broker's dynamic config, the cluster-wide dynamic default, static, default),
 * synonyms and documentation on request (see {@link ConfigDescriber}); the documentation of a config that Strata
 * accepts but does not enforce says so. Another broker's id is refused as Kafka does (clients send a broker's
 * resource to that broker).
 */
public final class DescribeConfigsHandler extends TypedApiHandler<DescribeConfigsRequest> {
    private final int brokerId;
    private final MetadataCache metadata;
    private final ConfigDescriber describer;

    public DescribeConfigsHandler(int brokerId, MetadataCache metadata, ConfigDescriber describer) {
        super(ApiKeys.DESCRIBE_CONFIGS, DescribeConfigsRequest.class, 1, 4);
        this.brokerId = brokerId;
        this.metadata = metadata;
        this.describer = describer;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, DescribeConfigsRequest request) {
        DescribeConfigsRequestData data = request.data();
        DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        for (DescribeConfigsRequestData.DescribeConfigsResource resource : data.resources()) {
            DescribeConfigsResponseData.DescribeConfigsResult result = new DescribeConfigsResponseData.DescribeConfigsResult()
                    .setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName());
            ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
            Optional<List<ConfigDescriber.DescribedConfig>> configs = switch (type) {
                case TOPIC -> metadata.topic(resource.resourceName()).map(describer::topicConfigs);
                case BROKER -> brokerConfigs(resource.resourceName());
                default -> Optional.empty();
            };
            if (configs.isEmpty()) {
                Errors error = type == ConfigResource.Type.TOPIC ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.INVALID_REQUEST;
                String message = type == ConfigResource.Type.BROKER
                        ? "Unexpected broker id, expected " + brokerId + " or empty string, but received "
                        + resource.resourceName()
                        : "Cannot describe configs of " + type + " '" + resource.resourceName() + "' on broker " + brokerId;
                response.results().add(result.setErrorCode(error.code()).setErrorMessage(message));
                continue;
            }
            Set<String> keys = resource.configurationKeys() == null ? null : new HashSet<>(resource.configurationKeys());
            for (ConfigDescriber.DescribedConfig c : configs.get()) {
                if (keys != null && !keys.contains(c.name())) {
                    continue;
                }
                DescribeConfigsResponseData.DescribeConfigsResourceResult entry =
                        new DescribeConfigsResponseData.DescribeConfigsResourceResult()
                                .setName(c.name())
                                .setValue(c.sensitive() ? null : c.value())
                                .setReadOnly(c.readOnly())
                                .setConfigSource(c.source().id())
                                .setIsSensitive(c.sensitive())
                                .setConfigType(c.type().id())
                                .setDocumentation(data.includeDocumentation() ? c.documentation() : null);
                if (data.includeSynonyms()) {
                    for (ConfigDescriber.Synonym s : c.synonyms()) {
                        entry.synonyms().add(new DescribeConfigsResponseData.DescribeConfigsSynonym()
                                .setName(s.name()).setValue(c.sensitive() ? null : s.value()).setSource(s.source().id()));
                    }
                }
                result.configs().add(entry);
            }
            response.results().add(result.setErrorCode(Errors.NONE.code()));
        }
        return CompletableFuture.completedFuture(response);
    }

    /**
     * The configs of this broker, or the cluster-wide dynamic defaults, which Kafka names with the empty broker
     * name; nothing for another broker (clients send a broker's resource to that broker).
     */
    private Optional<List<ConfigDescriber.DescribedConfig>> brokerConfigs(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of(describer.clusterDefaultBrokerConfigs());
        }
        return name.equals(String.valueOf(brokerId)) ? Optional.of(describer.brokerConfigs()) : Optional.empty();
    }
}
