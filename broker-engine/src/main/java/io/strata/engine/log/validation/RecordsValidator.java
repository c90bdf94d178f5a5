package io.strata.engine.log.validation;

import io.strata.engine.config.LogConfig;
import io.strata.engine.config.TopicConfigs;
import io.strata.engine.log.segment.BatchHeader;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks every record of one v2 batch before it is appended and checks what a consumer will need to read it:
 * each record parses within its declared length and within the batch (lengths, varints, header counts);
 * offset deltas run 0, 1, 2... for exactly the header's record count and nothing trails the last record;
 * under CreateTime each record's timestamp is within {@code message.timestamp.before/after.max.ms}; on a
 * compacted topic each record has a key. It also finds the batch's real max timestamp.
 *
 * <p>Compressed batches are decoded as a stream: keys and values are skipped, not materialised, unless a
 * {@link RecordSink} (recompression) needs them; a compressed record whose declared size exceeds
 * {@code max.decompressed.message.bytes} is refused before it is read, and a snappy payload's declared
 * sizes are checked before snappy-java allocates them ({@link SnappyFrames}). Decompression buffers come from a
 * per-thread {@link BufferSupplier}, so each request thread holds at most one set per codec buffer size.
 *
 * <p>Structural faults stop the walk at the faulty record; key and timestamp faults are collected for every
 * record, as Kafka reports them. Either way the batch is refused with a {@link RecordValidationException}.
 * Stateless apart from the per-thread buffers; safe from any thread.
 */
final class RecordsValidator {
    /** Smallest record body: attributes, timestamp delta, offset delta, key and value lengths, header count. */
    private static final int MIN_RECORD_BODY = 6;
    private static final int SCRATCH_BYTES = 16 * 1024;
    private static final ThreadLocal<BufferSupplier> DECOMPRESSION_BUFFERS = ThreadLocal.withInitial(BufferSupplier::create);
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SCRATCH_BYTES]);

    /** Receives each record, fully read, when a batch is being rewritten. */
    interface RecordSink {
        void accept(int offsetDelta, long timestamp, byte[] key, byte[] value, Header[] headers);
    }

    /** What the walk learned: the largest record timestamp (-1 if none). */
    record Summary(long maxTimestamp) {
    }

    /** A fault that makes the rest of the batch unparseable. */
    private static final class StructureException extends Exception {
        StructureException(String message) {
            super(message, null, false, false);
        }
    }

    private RecordsValidator() {
    }

    /**
     * @param batch  the whole batch, position at its first byte, limit at its end
     * @param sink   receives every record, or null to only validate
     * @throws RecordValidationException if any record is refused
     */
    static Summary validate(ByteBuffer batch, BatchHeader header, LogConfig config, long nowMs, RecordSink sink) {
        ByteBuffer records = batch.duplicate().position(batch.position() + BatchHeader.SIZE).slice();
        CompressionType type = CompressionType.forId(header.compressionId());
        if (type == CompressionType.NONE) {
            return walk(RecordInput.of(records), false, header, config, nowMs, sink);
        }
        if (type == CompressionType.SNAPPY) {
            String problem = SnappyFrames.check(records);
            if (problem != null) {
                throw refusal(type, 0, List.of(), new IOException(problem));
            }
        }
        try (InputStream stream = Compression.of(type).build()
                .wrapForInput(records, RecordBatch.MAGIC_VALUE_V2, DECOMPRESSION_BUFFERS.get())) {
            return walk(RecordInput.of(stream, SCRATCH.get()), true, header, config, nowMs, sink);
        } catch (IOException | RuntimeException | Error e) {
            throw refusal(type, 0, List.of(), e);
        }
    }

    private static Summary walk(RecordInput input, boolean compressed, BatchHeader header, LogConfig config,
                                long nowMs, RecordSink sink) {
        List<RecordValidationException.RecordError> errors = new ArrayList<>(0);
        boolean timestampError = false;
        boolean checkTimestamps = config.timestampType() == TimestampType.CREATE_TIME;
        boolean materialize = sink != null;
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        int count = header.recordCount();
        int index = 0;
        try {
            for (; index < count; index++) {
                int length = input.readVarint();
                if (length < MIN_RECORD_BODY) {
                    throw new StructureException("record length " + length + " is below the minimum of "
                            + MIN_RECORD_BODY);
                }
                if (length > input.remaining()) {
                    throw new StructureException("record length " + length + " runs past the end of the batch ("
                            + input.remaining() + " bytes left)");
                }
                if (compressed && length > config.maxDecompressedMessageBytes()) {
                    throw new StructureException("record of " + length + " bytes decompressed exceeds "
                            + TopicConfigs.MAX_DECOMPRESSED_MESSAGE_BYTES + "=" + config.maxDecompressedMessageBytes());
                }
                long end = input.position() + length;
                input.readByte(); // record attributes: unused in v2
                long timestamp = header.baseTimestamp() + input.readVarlong();
                int offsetDelta = input.readVarint();
                if (offsetDelta != index) {
                    throw new StructureException("offset delta " + offsetDelta + " where " + index + " was expected");
                }
                int keyLength = nullableLength(input, end, "key");
                byte[] key = bytes(input, keyLength, materialize);
                int valueLength = nullableLength(input, end, "value");
                byte[] value = bytes(input, valueLength, materialize);
                Header[] headers = headers(input, end, materialize);
                if (input.position() != end) {
                    throw new StructureException("record declares " + length + " bytes but its fields take "
                            + (length + input.position() - end));
                }
                if (keyLength < 0 && config.compact()) {
                    errors.add(new RecordValidationException.RecordError(index,
                            "Compacted topic cannot accept message without key"));
                }
                if (checkTimestamps && timestamp != RecordBatch.NO_TIMESTAMP) {
                    String problem = timestampProblem(timestamp, config, nowMs);
                    if (problem != null) {
                        timestampError = true;
                        errors.add(new RecordValidationException.RecordError(index, problem));
                    }
                }
                maxTimestamp = Math.max(maxTimestamp, timestamp);
                if (materialize && errors.isEmpty()) {
                    sink.accept(offsetDelta, timestamp, key, value, headers);
                }
            }
            if (!input.atEnd()) {
                throw new StructureException("bytes follow the last of the batch's " + count + " records");
            }
        } catch (StructureException | RecordInput.TruncatedException | RecordInput.MalformedVarintException e) {
            errors.add(new RecordValidationException.RecordError(index, "Record " + index + ": " + e.getMessage()));
            throw new RecordValidationException(Errors.INVALID_RECORD, summary(errors), errors);
        } catch (IOException | RuntimeException | Error e) {
            throw refusal(CompressionType.forId(header.compressionId()), index, errors, e);
        }
        if (!errors.isEmpty()) {
            Errors error = timestampError ? Errors.INVALID_TIMESTAMP : Errors.INVALID_RECORD;
            throw new RecordValidationException(error, summary(errors), errors);
        }
        return new Summary(maxTimestamp);
    }

    /**
     * snappy-java reports corrupt input with {@code org.xerial.snappy.SnappyError}, an {@link Error} (it is
     * only on the runtime classpath, hence the name). That one is bad input like any decoder exception;
     * other errors are the JVM's or a missing codec's and propagate.
     */
    private static void rethrowUnlessCodecFault(Throwable e) {
        if (e instanceof Error error && !error.getClass().getName().equals("org.xerial.snappy.SnappyError")) {
            throw error;
        }
    }

    /** Reads a key or value length: -1 is null; anything below, or past the record's end, is a fault. */
    private static int nullableLength(RecordInput input, long end, String field) throws IOException, StructureException {
        int length = input.readVarint();
        if (length < -1) {
            throw new StructureException("invalid " + field + " length " + length);
        }
        if (length > end - input.position()) {
            throw new StructureException(field + " length " + length + " runs past the end of the record ("
                    + Math.max(0, end - input.position()) + " bytes left)");
        }
        return length;
    }

    private static byte[] bytes(RecordInput input, int length, boolean materialize) throws IOException {
        if (length < 0) {
            return null;
        }
        if (materialize) {
            return input.readBytes(length);
        }
        input.skip(length);
        return null;
    }

    private static Header[] headers(RecordInput input, long end, boolean materialize)
            throws IOException, StructureException {
        int count = input.readVarint();
        if (count < 0) {
            throw new StructureException("invalid header count " + count);
        }
        // Each header takes at least two bytes (key and value lengths), which bounds the array below.
        if (count > (end - input.position()) / 2) {
            throw new StructureException(count + " headers cannot fit in the record's remaining "
                    + Math.max(0, end - input.position()) + " bytes");
        }
        Header[] headers = materialize ? new Header[count] : null;
        for (int i = 0; i < count; i++) {
            int keyLength = input.readVarint();
            if (keyLength < 0) {
                throw new StructureException("header " + i + " has invalid key length " + keyLength);
            }
            if (keyLength > end - input.position()) {
                throw new StructureException("header " + i + " key length " + keyLength
                        + " runs past the end of the record");
            }
            byte[] key = bytes(input, keyLength, materialize);
            int valueLength = nullableLength(input, end, "header " + i + " value");
            byte[] value = bytes(input, valueLength, materialize);
            if (materialize) {
                headers[i] = new RecordHeader(new String(key, StandardCharsets.UTF_8), value);
            }
        }
        return headers;
    }

    private static String timestampProblem(long timestamp, LogConfig config, long nowMs) {
        if (timestamp < 0) {
            return "Invalid negative timestamp " + timestamp;
        }
        if (timestamp < nowMs && nowMs - timestamp > config.timestampBeforeMaxMs()) {
            return "Timestamp " + timestamp + " of message is more than " + config.timestampBeforeMaxMs()
                    + " ms before the broker time " + nowMs + " (" + TopicConfigs.MESSAGE_TIMESTAMP_BEFORE_MAX_MS + ")";
        }
        if (timestamp > nowMs && timestamp - nowMs > config.timestampAfterMaxMs()) {
            return "Timestamp " + timestamp + " of message is more than " + config.timestampAfterMaxMs()
                    + " ms after the broker time " + nowMs + " (" + TopicConfigs.MESSAGE_TIMESTAMP_AFTER_MAX_MS + ")";
        }
        return null;
    }

    /**
     * What to throw for a failure while decoding records: an {@link ApiException} as it is (already a refusal,
     * e.g. from the sink: a rewritten batch too large), a JVM error as it is, anything else (the codec's) as
     * INVALID_RECORD naming the record being read.
     */
    private static RuntimeException refusal(CompressionType type, int index,
                                            List<RecordValidationException.RecordError> earlier, Throwable cause) {
        if (cause instanceof ApiException refused) {
            return refused;
        }
        rethrowUnlessCodecFault(cause);
        List<RecordValidationException.RecordError> errors = new ArrayList<>(earlier);
        String message = type == CompressionType.NONE
                ? "Record " + index + " could not be parsed: " + cause
                : "Record " + index + ": the " + type.name + " payload could not be decompressed: " + cause;
        errors.add(new RecordValidationException.RecordError(index, message));
        return new RecordValidationException(Errors.INVALID_RECORD, summary(errors), errors);
    }

    /** Kafka's wording: the count, then at most the first three record errors. */
    private static String summary(List<RecordValidationException.RecordError> errors) {
        return "One or more records have been rejected due to " + errors.size() + " record errors in total, "
                + "and only showing the first three errors at most: " + errors.subList(0, Math.min(3, errors.size()));
    }
}
