package io.strata.engine.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this Strata build, from the {@code version.properties} Maven writes at build time. Brokers
 * report it as the read-only broker config {@code strata.software.version}, so tools (and the HTTP API) can tell
 * which version each broker runs during a rolling upgrade: the Kafka protocol carries no broker version.
 */
public final class SoftwareVersion {
    /** The broker config name it is reported under. */
    public static final String CONFIG_NAME = "strata.software.version";
    private static final String CURRENT = load();

    private SoftwareVersion() {
    }

    public static String current() {
        return CURRENT;
    }

    private static String load() {
        try (InputStream in = SoftwareVersion.class.getResourceAsStream("/io/strata/engine/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
