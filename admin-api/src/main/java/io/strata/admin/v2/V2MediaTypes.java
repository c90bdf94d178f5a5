package io.strata.admin.v2;

/**
 * Confluent REST Proxy v2's content types: the API version and the embedded format of record keys and values
 * travel in the media type instead of the path ({@code Versions.java} of kafka-rest), plus Strata's text format.
 */
public final class V2MediaTypes {
    /** Control requests and responses: consumer instances, subscriptions, offsets, produce responses. */
    public static final String V2_JSON = "application/vnd.kafka.v2+json";
    /** Records whose key and value are any JSON value. */
    public static final String JSON = "application/vnd.kafka.json.v2+json";
    /** Records whose key and value are base64 strings (kafka-rest's default format). */
    public static final String BINARY = "application/vnd.kafka.binary.v2+json";
    /** Strata's extension: records whose key and value are strings stored as UTF-8. */
    public static final String TEXT = "application/vnd.kafka.text.v2+json";
    /** Generic JSON, accepted and produced next to the vendor types. */
    public static final String GENERIC = "application/json";

    private V2MediaTypes() {
    }
}
