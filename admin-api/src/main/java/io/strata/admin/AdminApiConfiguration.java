package io.strata.admin;

import io.strata.admin.config.HttpApiProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** The HTTP layer's configuration root: {@code strata.http.*}. Its beans are found by component scanning. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HttpApiProperties.class)
public class AdminApiConfiguration {
}
