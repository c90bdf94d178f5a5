package io.strata.platform.http;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Confluent's published v3 OpenAPI document (the reference the issue names, kept outside the repository at
 * {@code ../shared/reference/kafka-rest-v3-openapi.yaml}, or where {@code -Dstrata.reference.v3-openapi} points):
 * its operations, and a validator of response bodies against its schemas. The validator covers the keywords that
 * document uses: type, required, properties, items, allOf, $ref, nullable, enum, minLength, maxLength.
 */
final class ReferenceSpec {
    private static final String FILE = "kafka-rest-v3-openapi.yaml";
    private static volatile Optional<ReferenceSpec> loaded;

    private final JsonNode root;

    private ReferenceSpec(JsonNode root) {
        this.root = root;
    }

    /** The reference, or empty when this checkout has none beside it (the path looked at is in the log). */
    static Optional<ReferenceSpec> find() {
        Optional<ReferenceSpec> spec = loaded;
        if (spec == null) {
            synchronized (ReferenceSpec.class) {
                if (loaded == null) {
                    loaded = locate().map(ReferenceSpec::load);
                }
                spec = loaded;
            }
        }
        return spec;
    }

    /** Where the reference is looked for: the property, else {@code shared/reference} beside any parent directory. */
    static List<Path> candidates() {
        List<Path> paths = new ArrayList<>();
        String property = System.getProperty("strata.reference.v3-openapi");
        if (property != null) {
            paths.add(Path.of(property));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            paths.add(dir.resolve("shared").resolve("reference").resolve(FILE));
        }
        return paths;
    }

    private static Optional<Path> locate() {
        return candidates().stream().filter(Files::isRegularFile).findFirst();
    }

    private static ReferenceSpec load(Path file) {
        try {
            String text = Files.readString(file);
            // The first line records where the copy came from; the YAML starts after it.
            String yaml = text.startsWith("#") ? text.substring(text.indexOf('\n') + 1) : text;
            LoaderOptions options = new LoaderOptions();
            options.setCodePointLimit(20 * 1024 * 1024);
            Object document = new Yaml(options).load(yaml);
            return new ReferenceSpec(HttpTestClient.JSON.valueToTree(document));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every operation as {@code "GET /clusters/{}/topics"}: method and path with parameter names blanked. */
    Set<String> operations() {
        Set<String> operations = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> path : root.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                if (isMethod(operation.getKey())) {
                    operations.add(operation.getKey().toUpperCase() + " " + blankParameters(path.getKey()));
                }
            }
        }
        return operations;
    }

    static String blankParameters(String path) {
        return path.replaceAll("\\{[^}]+}", "{}");
    }

    private static boolean isMethod(String key) {
        return List.of("get", "post", "put", "patch", "delete").contains(key);
    }

    /**
     * Violations of the reference's schema by a response to {@code method path} (a path under {@code /v3}, e.g.
     * {@code /clusters/abc/topics}) with {@code status}; empty when the body conforms or the reference has no
     * such operation (a Strata extension).
     */
    List<String> violations(String method, String path, int status, JsonNode body) {
        Optional<JsonNode> schema = responseSchema(method.toLowerCase(), path, status);
        if (schema.isEmpty()) {
            return List.of();
        }
        List<String> violations = new ArrayList<>();
        validate(schema.get(), body, "$", violations);
        return violations;
    }

    /** Whether the reference declares {@code method path} (then responses to it are checked). */
    boolean declares(String method, String path) {
        return template(method.toLowerCase(), path).isPresent();
    }

    private Optional<JsonNode> responseSchema(String method, String path, int status) {
        Optional<String> template = template(method, path);
        if (template.isEmpty()) {
            return Optional.empty();
        }
        JsonNode responses = root.get("paths").get(template.get()).get(method).get("responses");
        JsonNode response = responses.get(Integer.toString(status));
        if (response == null) {
            response = responses.get(status / 100 + "XX");
        }
        if (response == null && status >= 400) {
            // kafka-rest answers some errors the document does not list (404 for an unknown cluster anywhere).
            return Optional.of(root.at("/components/schemas/Error"));
        }
        if (response == null) {
            return Optional.of(HttpTestClient.JSON.createObjectNode().put("x-undeclared-status", status));
        }
        response = resolve(response);
        JsonNode schema = response.at("/content/application~1json/schema");
        return schema.isMissingNode() ? Optional.empty() : Optional.of(schema);
    }

    /** The reference path matching {@code path}: literal segments win over parameters ({@code -} over {id}). */
    private Optional<String> template(String method, String path) {
        String[] actual = path.split("/", -1);
        List<String> matches = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : root.get("paths").properties()) {
            String[] template = entry.getKey().split("/", -1);
            if (template.length == actual.length && entry.getValue().has(method) && matches(template, actual)) {
                matches.add(entry.getKey());
            }
        }
        return matches.stream().min(Comparator.comparingLong(t -> t.chars().filter(c -> c == '{').count()));
    }

    private static boolean matches(String[] template, String[] actual) {
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{") && t.contains("}")) {
                String suffix = t.substring(t.indexOf('}') + 1);
                if (!actual[i].endsWith(suffix) || actual[i].length() <= suffix.length()) {
                    return false;
                }
            } else if (!t.equals(actual[i])) {
                return false;
            }
        }
        return true;
    }

    private JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            String ref = node.get("$ref").asString();
            node = root.at(ref.substring(1));
        }
        return node;
    }

    private void validate(JsonNode schema, JsonNode value, String where, List<String> violations) {
        if (schema.has("x-undeclared-status")) {
            violations.add(where + ": the reference declares no response with status " + schema.get("x-undeclared-status"));
            return;
        }
        schema = resolve(schema);
        if (value == null || value.isMissingNode()) {
            return;
        }
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false) && !schema.has("allOf") && schema.has("type")) {
                violations.add(where + ": null where the reference allows none");
            }
            return;
        }
        if (schema.has("allOf")) {
            for (JsonNode part : schema.get("allOf")) {
                validate(part, value, where, violations);
            }
        }
        String type = schema.path("type").asString("");
        switch (type) {
            case "object" -> {
                if (!value.isObject()) {
                    violations.add(where + ": expected an object, found " + value);
                    return;
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    violations.add(where + ": expected an array, found " + value);
                    return;
                }
                int i = 0;
                for (JsonNode item : value) {
                    validate(schema.get("items"), item, where + "[" + i++ + "]", violations);
                }
            }
            case "string" -> {
                if (!value.isString()) {
                    violations.add(where + ": expected a string, found " + value);
                } else {
                    checkString(schema, value.asString(), where, violations);
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    violations.add(where + ": expected an integer, found " + value);
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    violations.add(where + ": expected a number, found " + value);
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    violations.add(where + ": expected a boolean, found " + value);
                }
            }
            default -> {
            }
        }
        if (value.isObject()) {
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asString())) {
                    violations.add(where + ": required field '" + required.asString() + "' is missing");
                }
            }
            JsonNode properties = schema.path("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = value.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (properties.has(field.getKey())) {
                    validate(properties.get(field.getKey()), field.getValue(), where + "." + field.getKey(), violations);
                }
            }
        }
    }

    private static void checkString(JsonNode schema, String value, String where, List<String> violations) {
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode allowed : schema.get("enum")) {
                listed |= allowed.asString().equals(value);
            }
            if (!listed) {
                violations.add(where + ": '" + value + "' is not one of " + schema.get("enum"));
            }
        }
        if (schema.has("minLength") && value.length() < schema.get("minLength").asInt()) {
            violations.add(where + ": shorter than " + schema.get("minLength"));
        }
        if (schema.has("maxLength") && value.length() > schema.get("maxLength").asInt()) {
            violations.add(where + ": longer than " + schema.get("maxLength"));
        }
    }
}
