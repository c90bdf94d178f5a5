package io.strata.platform.config;

import io.strata.engine.config.BrokerConfig;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(StrataProperties.class)
public class StrataConfiguration {

    /** Built eagerly so a bad {@code strata.*} setting fails start-up before anything listens. */
    @Bean
    public BrokerConfig brokerConfig(StrataProperties properties) {
        return BrokerConfigFactory.create(properties);
    }
}
