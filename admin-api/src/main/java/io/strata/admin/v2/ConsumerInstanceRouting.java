package io.strata.admin.v2;

import io.strata.admin.service.consumer.ConsumerInstanceRegistry;
import io.strata.admin.service.consumer.InstanceOwnership;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import java.util.Map;

/**
 * Sends every request on a v2 consumer instance ({@code /consumers/{group}/instances/{instance}/...}) where
 * the instance is served: on to the controller when this node owns it (after taking it over if the owner's
 * lease had lapsed), to the owner node otherwise, or 40403. Runs before the body is read, so a forwarded
 * request carries its body unchanged; failures go through the v2 error handling like the controller's.
 */
@Configuration(proxyBeanMethods = false)
public class ConsumerInstanceRouting implements WebMvcConfigurer {
    private final InstanceOwnership ownership;
    private final ConsumerInstanceForwarder forwarder;

    public ConsumerInstanceRouting(InstanceOwnership ownership, ConsumerInstanceForwarder forwarder) {
        this.ownership = ownership;
        this.forwarder = forwarder;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new Interceptor()).addPathPatterns("/consumers/*/instances/**");
    }

    private final class Interceptor implements HandlerInterceptor {
        @Override
        public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
                throws Exception {
            @SuppressWarnings("unchecked")
            Map<String, String> variables =
                    (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
            String group = variables == null ? null : variables.get("group");
            String instance = variables == null ? null : variables.get("instance");
            if (group == null || instance == null) {
                return true;
            }
            boolean forwarded = request.getHeader(ConsumerInstanceForwarder.FORWARDED_HEADER) != null;
            InstanceOwnership.Routing routing = ownership.route(group, instance, forwarded);
            return switch (routing.route()) {
                case SERVE -> true;
                case FORWARD -> {
                    forwarder.forward(routing.ownerUrl(), request, response);
                    yield false;
                }
                default -> throw ConsumerInstanceRegistry.instanceNotFound(group, instance);
            };
        }
    }
}
