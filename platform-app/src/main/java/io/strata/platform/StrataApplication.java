package io.strata.platform;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Strata platform: one Kafka-compatible broker, its metadata store, the admin API and the console
 * in one Spring Boot process. Scans all of {@code io.strata} so the admin API's beans are picked up.
 */
@SpringBootApplication(scanBasePackages = "io.strata")
public class StrataApplication {

    public static void main(String[] args) {
        SpringApplication.run(StrataApplication.class, args);
    }
}
