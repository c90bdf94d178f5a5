package io.strata.admin.openapi;

import io.strata.admin.error.ErrorBody;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The published spec ({@code /v3/api-docs}): Strata's own, generated from its controllers. Every operation gets
 * the error responses every request can meet (bad request, authentication, authorization, throttling, server
 * errors) with the JSON error body; controllers declare the ones particular to them (404, 409, 413...).
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfiguration {
    /** Errors every operation can answer, as the Confluent v3 document lists them for each of its operations. */
    private static final Map<String, String> COMMON_ERRORS = new LinkedHashMap<>();

    static {
        COMMON_ERRORS.put("400", "Bad request: the request or a value in it is invalid (error_code 400 or 40002).");
        COMMON_ERRORS.put("401", "Unauthorized: the cluster refused the platform's credentials (error_code 40101).");
        COMMON_ERRORS.put("403", "Forbidden: the principal may not do this (error_code 40301).");
        COMMON_ERRORS.put("429", "Too many requests: a quota was exceeded (error_code 42901).");
        COMMON_ERRORS.put("5XX", "Server error: the cluster failed or did not answer in time "
                + "(error_code 50002, 50003 retriable, 50302 broker not available).");
    }

    @Bean
    public OpenAPI strataOpenApi() {
        OpenAPI api = new OpenAPI().info(new Info()
                .title("Strata HTTP API")
                .version("v3")
                .description("Administration in the shape of Confluent's REST Proxy v3 (under /v3/clusters), "
                        + "Confluent v2 compatible produce and consume (under /topics and /consumers, the version "
                        + "in the content type), and Strata's extensions, each marked as such.")
                .license(new License().name("Apache-2.0")));
        return api;
    }

    /** The error body's schema, added when the document is generated (swagger's model reading is slow to start). */
    @Bean
    public OpenApiCustomizer errorBodySchema() {
        return api -> ModelConverters.getInstance().readAll(ErrorBody.class).forEach(api::schema);
    }

    @Bean
    public OperationCustomizer commonErrorResponses() {
        return (Operation operation, org.springframework.web.method.HandlerMethod handler) -> {
            ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
            COMMON_ERRORS.forEach((code, description) -> {
                if (!responses.containsKey(code)) {
                    responses.addApiResponse(code, errorResponse(description));
                }
            });
            operation.setResponses(responses);
            return operation;
        };
    }

    public static ApiResponse errorResponse(String description) {
        Schema<?> error = new Schema<>().$ref("#/components/schemas/Error");
        return new ApiResponse().description(description)
                .content(new Content().addMediaType("application/json", new MediaType().schema(error)));
    }
}
