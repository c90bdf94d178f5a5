package io.strata.admin.http;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The JSON mapper of a controller that parses a produce body itself, value by value. */
public final class BodyJson {

    private BodyJson() {
    }

    /**
     * A mapper whose strings may be as long as {@code maxBytes} (Jackson's own limit is lower than a body may be)
     * and that reads a value from the middle of a body: what follows it is the caller's to read.
     */
    public static JsonMapper mapper(long maxBytes) {
        int maxString = (int) Math.min(Integer.MAX_VALUE, maxBytes);
        return JsonMapper.builder(JsonFactory.builder()
                        .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(maxString).build())
                        .build())
                .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }
}
