package io.strata.platform.http;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Strata's published spec ({@code /v3/api-docs}) against Confluent's v3 document: every operation of the reference
 * is served, and every operation Strata publishes says what it does and how it fails.
 */
class ReferenceConformanceTest extends HttpPlatformTestBase {

    @Test
    void everyOperationOfTheReferenceIsServed() {
        ReferenceSpec reference = ReferenceSpec.find().orElse(null);
        Assumptions.assumeTrue(reference != null,
                "The reference document is not beside this checkout; looked at " + ReferenceSpec.candidates());
        Set<String> served = publishedOperations();
        Set<String> missing = new LinkedHashSet<>();
        for (String operation : reference.operations()) {
            String[] methodAndPath = operation.split(" ", 2);
            if (!served.contains(methodAndPath[0] + " /v3" + methodAndPath[1])) {
                missing.add(operation);
            }
        }
        assertThat(missing).as("reference operations missing from /v3/api-docs").isEmpty();
    }

    @Test
    void everyPublishedOperationHasADescriptionAndDocumentedErrors() {
        JsonNode spec = http().get("/v3/api-docs").json();
        List<String> undocumented = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : spec.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                String name = operation.getKey().toUpperCase() + " " + path.getKey();
                JsonNode op = operation.getValue();
                if (op.path("description").asString("").isBlank()) {
                    undocumented.add(name + ": no description");
                }
                if (op.path("operationId").asString("").isBlank()) {
                    undocumented.add(name + ": no operationId");
                }
                boolean errors = false;
                for (Map.Entry<String, JsonNode> response : op.path("responses").properties()) {
                    if (response.getKey().startsWith("4") || response.getKey().startsWith("5")) {
                        errors = true;
                        if (!response.getValue().at("/content/application~1json/schema").isObject()) {
                            undocumented.add(name + ": error " + response.getKey() + " without the error body schema");
                        }
                    }
                }
                if (!errors) {
                    undocumented.add(name + ": no error response");
                }
                for (JsonNode parameter : op.path("parameters")) {
                    if (parameter.path("description").asString("").isBlank()) {
                        undocumented.add(name + ": parameter " + parameter.path("name").asString() + " undescribed");
                    }
                }
            }
        }
        assertThat(undocumented).isEmpty();
    }

    @Test
    void swaggerUiIsServed() {
        var ui = http().get("/swagger-ui/index.html");
        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.body()).contains("swagger-ui");
    }

    private Set<String> publishedOperations() {
        JsonNode spec = http().get("/v3/api-docs").json();
        Set<String> operations = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> path : spec.get("paths").properties()) {
            for (String method : path.getValue().propertyNames()) {
                operations.add(method.toUpperCase() + " " + ReferenceSpec.blankParameters(path.getKey()));
            }
        }
        return operations;
    }
}
