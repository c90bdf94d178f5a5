package io.strata.platform;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Strata platform: one Kafka-compatible broker, its metadata store, the admin API and the console
 * in one Spring Boot process. Scans the platform's and the admin API's packages; the engine ({@code io.strata.engine})
 * has no Spring beans, and reading its classes would only slow the start.
 */
@SpringBootApplication(scanBasePackages = {"io.strata.platform", "io.strata.admin"})
public class StrataApplication {

    public static void main(String[] args) {
        SpringApplication.run(StrataApplication.class, args);
    }
}
