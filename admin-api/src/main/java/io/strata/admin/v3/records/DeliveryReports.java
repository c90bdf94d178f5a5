package io.strata.admin.v3.records;

import io.strata.admin.v3.model.ProduceResponse;
import io.strata.admin.v3.model.ProduceResponseData;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.time.Instant;

/** The delivery report of a stored record, as kafka-rest writes it. */
final class DeliveryReports {

    private DeliveryReports() {
    }

    static ProduceResponse success(String clusterId, RecordEncoder.Encoded encoded, RecordMetadata metadata) {
        return new ProduceResponse(200, null, clusterId, metadata.topic(), metadata.partition(), metadata.offset(),
                metadata.hasTimestamp() ? Instant.ofEpochMilli(metadata.timestamp()).toString() : null,
                encoded.keyType() == null ? null
                        : new ProduceResponseData(Math.max(0, metadata.serializedKeySize()), encoded.keyType()),
                encoded.valueType() == null ? null
                        : new ProduceResponseData(Math.max(0, metadata.serializedValueSize()), encoded.valueType()));
    }
}
