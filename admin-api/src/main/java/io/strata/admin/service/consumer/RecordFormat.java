package io.strata.admin.service.consumer;

import java.util.Locale;

/** The embedded format a consumer instance answers its records in, as named on instance creation. */
public enum RecordFormat {
    BINARY, JSON, TEXT;

    /** {@code binary}, {@code json} or {@code text}, any case; null for anything else. */
    public static RecordFormat parse(String name) {
        if (name == null) {
            return null;
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "binary" -> BINARY;
            case "json" -> JSON;
            case "text" -> TEXT;
            default -> null;
        };
    }

    public String lowerName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
