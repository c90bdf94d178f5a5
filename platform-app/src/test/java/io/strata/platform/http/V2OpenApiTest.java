package io.strata.platform.http;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The v2 operations are in Strata's published spec, each described and with its particular errors. */
class V2OpenApiTest extends HttpPlatformTestBase {

    @Test
    void everyV2OperationIsPublishedWithADescriptionAndItsErrors() {
        JsonNode paths = http().get("/v3/api-docs").json().get("paths");
        Map<String, String> operations = Map.ofEntries(
                Map.entry("/topics get", "200"),
                Map.entry("/topics/{topic} get", "404"),
                Map.entry("/topics/{topic} post", "422"),
                Map.entry("/topics/{topic}/partitions get", "404"),
                Map.entry("/topics/{topic}/partitions/{partition} get", "404"),
                Map.entry("/topics/{topic}/partitions/{partition} post", "404"),
                Map.entry("/topics/{topic}/partitions/{partition}/offsets get", "404"),
                Map.entry("/consumers/{group} post", "409"),
                Map.entry("/consumers/{group}/instances/{instance} delete", "404"),
                Map.entry("/consumers/{group}/instances/{instance}/subscription post", "404"),
                Map.entry("/consumers/{group}/instances/{instance}/subscription get", "404"),
                Map.entry("/consumers/{group}/instances/{instance}/subscription delete", "404"),
                Map.entry("/consumers/{group}/instances/{instance}/assignments post", "409"),
                Map.entry("/consumers/{group}/instances/{instance}/assignments get", "404"),
                Map.entry("/consumers/{group}/instances/{instance}/positions post", "404"),
                Map.entry("/consumers/{group}/instances/{instance}/positions/beginning post", "404"),
                Map.entry("/consumers/{group}/instances/{instance}/positions/end post", "404"),
                Map.entry("/consumers/{group}/instances/{instance}/records get", "406"),
                Map.entry("/consumers/{group}/instances/{instance}/offsets post", "404"),
                Map.entry("/consumers/{group}/instances/{instance}/offsets get", "404"));
        operations.forEach((operation, error) -> {
            String[] pathAndMethod = operation.split(" ");
            JsonNode op = paths.path(pathAndMethod[0]).path(pathAndMethod[1]);
            assertThat(op.isMissingNode()).as(operation).isFalse();
            assertThat(op.path("description").asString()).as(operation).isNotBlank();
            assertThat(op.path("operationId").asString()).as(operation).endsWith("V2");
            assertThat(op.path("responses").has(error)).as(operation + " " + error).isTrue();
            assertThat(op.path("responses").has("5XX")).as(operation).isTrue();
        });
    }
}
