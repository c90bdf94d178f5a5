package io.strata.admin.service.v2;

/**
 * What became of one produced record: its partition and offset, or an error in kafka-rest's per-record codes
 * (40101 authentication, 40301 authorization, 40402 partition not found, 50003 retriable, 50002 other).
 */
public record ProduceOutcome(Integer partition, Long offset, Integer errorCode, String error) {

    public static ProduceOutcome written(int partition, long offset) {
        return new ProduceOutcome(partition, offset, null, null);
    }

    public static ProduceOutcome failed(int errorCode, String error) {
        return new ProduceOutcome(null, null, errorCode, error);
    }

    public boolean succeeded() {
        return errorCode == null;
    }
}
