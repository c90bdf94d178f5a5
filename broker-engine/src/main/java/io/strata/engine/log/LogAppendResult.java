package io.strata.engine.log;

/**
 * What an append did: the offsets the batch got (or, for a retried duplicate, the offsets it got the first
 * time, with {@code duplicate} set), the LogAppendTime stamped on it (-1 with CreateTime) and its size.
 */
public record LogAppendResult(long firstOffset, long lastOffset, long logAppendTime, long logStartOffset,
                              int recordCount, int sizeInBytes, boolean duplicate) {
}
