package io.strata.admin.v3;

import io.strata.admin.v3.model.ConfigSynonymData;
import org.apache.kafka.clients.admin.ConfigEntry;

import java.util.List;

/** The parts of a config resource body every config kind shares (topic, broker, cluster-wide), from Kafka's entry. */
public final class ConfigEntries {

    private ConfigEntries() {
    }

    /** The source as Kafka spells it ({@code ConfigEntry.ConfigSource} names), UNKNOWN when the broker gave none. */
    public static String source(ConfigEntry.ConfigSource source) {
        return source == null ? ConfigEntry.ConfigSource.UNKNOWN.name() : source.name();
    }

    /** The entry's synonyms, most specific first, as the broker listed them. */
    public static List<ConfigSynonymData> synonyms(ConfigEntry entry) {
        return entry.synonyms().stream()
                .map(s -> new ConfigSynonymData(s.name(), s.value(), source(s.source())))
                .toList();
    }
}
