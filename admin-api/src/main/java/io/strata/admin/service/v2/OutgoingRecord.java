package io.strata.admin.service.v2;

import org.apache.kafka.common.header.Header;

import java.util.List;

/** A record to produce, already in bytes: {@code partition} and {@code timestamp} null when not chosen. */
public record OutgoingRecord(Integer partition, byte[] key, byte[] value, List<Header> headers, Long timestamp) {

    public OutgoingRecord {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }
}
