package io.strata.engine.handler.admin;

import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.requests.ApiError;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What AlterConfigs and IncrementalAlterConfigs share: each resource is answered on its own, after the
 * checks Kafka's brokers make before altering anything (a resource named twice, a config named twice, a
 * missing value); TOPIC and BROKER resources are altered, the other types refused. Stateless.
 */
final class ConfigAlterations {

    /** The parts of one request resource the shared checks read. */
    record Resource(byte type, String name, List<String> configNames, List<String> namesWithoutValue) {
    }

    private ConfigAlterations() {
    }

    /**
     * Calls {@code alterTopic} for every TOPIC resource and {@code alterBroker} for every BROKER resource that passes
     * the checks, and returns one error ({@link ApiError#NONE} on success) per resource, in request order.
     */
    static <R> List<ApiError> alterEach(List<R> resources, Function<R, Resource> view, Consumer<R> alterTopic,
                                        Consumer<R> alterBroker) {
        List<Resource> views = resources.stream().map(view).toList();
        Map<List<Object>, Integer> occurrences = new HashMap<>();
        views.forEach(r -> occurrences.merge(List.of(r.type(), r.name()), 1, Integer::sum));
        List<ApiError> errors = new ArrayList<>(resources.size());
        for (int i = 0; i < resources.size(); i++) {
            Resource resource = views.get(i);
            try {
                if (occurrences.get(List.of(resource.type(), resource.name())) > 1) {
                    throw new InvalidRequestException("Each resource must appear at most once.");
                }
                boolean topic = check(resource);
                (topic ? alterTopic : alterBroker).accept(resources.get(i));
                errors.add(ApiError.NONE);
            } catch (ApiException e) {
                errors.add(ApiError.fromThrowable(e));
            }
        }
        return errors;
    }

    /** @return true for a TOPIC resource, false for a BROKER one (any other type is refused) */
    private static boolean check(Resource resource) {
        if (new HashSet<>(resource.configNames()).size() != resource.configNames().size()) {
            throw new InvalidRequestException("Error due to duplicate config keys");
        }
        if (!resource.namesWithoutValue().isEmpty()) {
            throw new InvalidRequestException("Null value not supported for : "
                    + String.join(", ", resource.namesWithoutValue()));
        }
        ConfigResource.Type type = ConfigResource.Type.forId(resource.type());
        return switch (type) {
            case TOPIC -> true;
            case BROKER -> false;
            case BROKER_LOGGER, CLIENT_METRICS, GROUP ->
                    throw new InvalidRequestException("Altering " + type + " configs is not supported by Strata.");
            default -> throw new InvalidRequestException("Unknown resource type " + resource.type());
        };
    }
}
