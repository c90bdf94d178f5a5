package io.strata.engine.log.producer;

import io.strata.engine.log.checkpoint.LogFileNames;
import io.strata.engine.log.producer.ProducerStateManager.ProducerBatch;
import org.apache.kafka.common.utils.Utils;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Binary producer state snapshot {@code <offset>.snapshot}: the state of every producer after the batches
 * below {@code offset}. Layout: magic int32 "STPS" | version int16 | crc32c int32 (of everything after it)
 * | count int32 | entries: producerId int64, epoch int16, lastUpdateMs int64, txnFirstOffset int64,
 * coordinatorEpoch int32 (version 2 on; version 1 files lack it and read as -1), batchCount int8, batches
 * (firstSeq int32, lastSeq int32, firstOffset int64, lastOffset int64, timestamp int64). Written atomically (temp
 * file, fsync, rename), always in the newest version.
 */
final class ProducerSnapshotFile {
    private static final int MAGIC = 0x53545053;
    private static final short VERSION_1 = 1;
    private static final short VERSION = 2;
    private static final int HEADER = 4 + 2 + 4 + 4;
    private static final int ENTRY_FIXED_V1 = 8 + 2 + 8 + 8 + 1;
    private static final int ENTRY_FIXED = ENTRY_FIXED_V1 + 4;
    private static final int BATCH = 4 + 4 + 8 + 8 + 8;
    private static final long MAX_FILE = 1L << 30;

    /** One producer as stored. */
    record Entry(long producerId, short epoch, long lastUpdateMs, long txnFirstOffset, int coordinatorEpoch,
                 List<ProducerBatch> batches) {
    }

    private ProducerSnapshotFile() {
    }

    static void write(Path file, Collection<Entry> entries) throws IOException {
        int size = HEADER;
        for (Entry e : entries) {
            size += ENTRY_FIXED + e.batches().size() * BATCH;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.putInt(MAGIC).putShort(VERSION).putInt(0).putInt(entries.size());
        for (Entry e : entries) {
            buffer.putLong(e.producerId()).putShort(e.epoch()).putLong(e.lastUpdateMs()).putLong(e.txnFirstOffset())
                    .putInt(e.coordinatorEpoch()).put((byte) e.batches().size());
            for (ProducerBatch b : e.batches()) {
                buffer.putInt(b.firstSequence()).putInt(b.lastSequence()).putLong(b.firstOffset())
                        .putLong(b.lastOffset()).putLong(b.timestamp());
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 10, size - 10);
        buffer.putInt(6, (int) crc.getValue());
        buffer.flip();
        Path temp = file.resolveSibling(file.getFileName() + LogFileNames.TEMP_SUFFIX);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Utils.atomicMoveWithFallback(temp, file, true);
    }

    /** Reads a snapshot; throws IOException if it is malformed or its CRC does not match. */
    static List<Entry> read(Path file) throws IOException {
        long fileSize = Files.size(file);
        if (fileSize < HEADER || fileSize > MAX_FILE) {
            throw new IOException("Producer snapshot " + file + " has an invalid size " + fileSize);
        }
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file));
        try {
            short version = buffer.getInt() == MAGIC ? buffer.getShort() : -1;
            if (version != VERSION && version != VERSION_1) {
                throw new IOException("Producer snapshot " + file + " has an unknown format");
            }
            int storedCrc = buffer.getInt();
            CRC32C crc = new CRC32C();
            crc.update(buffer.array(), 10, buffer.limit() - 10);
            if ((int) crc.getValue() != storedCrc) {
                throw new IOException("Producer snapshot " + file + " fails its CRC check");
            }
            int count = buffer.getInt();
            if (count < 0 || (long) count * (version == VERSION_1 ? ENTRY_FIXED_V1 : ENTRY_FIXED) > buffer.remaining()) {
                throw new IOException("Producer snapshot " + file + " has an invalid entry count " + count);
            }
            List<Entry> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long producerId = buffer.getLong();
                short epoch = buffer.getShort();
                long lastUpdateMs = buffer.getLong();
                long txnFirstOffset = buffer.getLong();
                int coordinatorEpoch = version == VERSION_1 ? -1 : buffer.getInt();
                int batchCount = buffer.get();
                if (batchCount < 0 || batchCount > ProducerStateManager.RETAINED_BATCHES) {
                    throw new IOException("Producer snapshot " + file + " has an invalid batch count " + batchCount);
                }
                List<ProducerBatch> batches = new ArrayList<>(batchCount);
                for (int b = 0; b < batchCount; b++) {
                    batches.add(new ProducerBatch(buffer.getInt(), buffer.getInt(), buffer.getLong(),
                            buffer.getLong(), buffer.getLong()));
                }
                entries.add(new Entry(producerId, epoch, lastUpdateMs, txnFirstOffset, coordinatorEpoch, batches));
            }
            return entries;
        } catch (BufferUnderflowException e) {
            throw new IOException("Producer snapshot " + file + " is truncated", e);
        }
    }
}
