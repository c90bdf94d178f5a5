package io.strata.engine.log.cleaner;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A bounded map from record key to the offset of its latest record, in one fixed buffer: each slot holds the
 * key's 16-byte MD5 digest and an 8-byte offset, found by open addressing (probing from positions taken from
 * the digest). Two keys with the same digest count as one key, as in Kafka's {@code SkinnyOffsetMap}; with
 * MD5 that does not happen in practice. The cleaner fills it to {@link #LOAD_FACTOR} of its slots at most, so
 * probes stay short and an insert always finds a free slot.
 *
 * <p>Threading: owned by one cleaner thread.
 */
final class OffsetMap {
    static final double LOAD_FACTOR = 0.9;
    private static final int HASH_SIZE = 16;
    static final int SLOT_SIZE = HASH_SIZE + 8;

    private final ByteBuffer slots;
    private final int slotCount;
    private final int maxEntries;
    private final MessageDigest digest;
    private final byte[] hash = new byte[HASH_SIZE];
    private final byte[] probe = new byte[HASH_SIZE];
    private int entries;
    private long latestOffset = -1;
    /** Slot lookups beyond the first, for tests and statistics. */
    private long collisions;

    /** @param memoryBytes the buffer size; it holds {@code memoryBytes / 24} slots */
    OffsetMap(int memoryBytes) {
        this.slotCount = memoryBytes / SLOT_SIZE;
        if (slotCount < 2) {
            throw new IllegalArgumentException("An offset map needs at least " + 2 * SLOT_SIZE + " bytes, not " + memoryBytes);
        }
        this.slots = ByteBuffer.allocate(slotCount * SLOT_SIZE);
        this.maxEntries = Math.max(1, (int) (slotCount * LOAD_FACTOR));
        try {
            this.digest = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JVM", e);
        }
    }

    /** Keys it can hold. */
    int capacity() {
        return maxEntries;
    }

    int size() {
        return entries;
    }

    /** Whether {@code more} new keys would still fit. */
    boolean hasRoomFor(int more) {
        return entries + (long) more <= maxEntries;
    }

    /** The highest offset put so far, or -1. */
    long latestOffset() {
        return latestOffset;
    }

    /** Marks offsets up to {@code offset} as covered (a batch without keys, e.g. a control batch). */
    void updateLatestOffset(long offset) {
        latestOffset = Math.max(latestOffset, offset);
    }

    long collisions() {
        return collisions;
    }

    /** Records {@code offset} as the latest for {@code key}; offsets are put in increasing order. */
    void put(ByteBuffer key, long offset) {
        hashInto(key, hash);
        for (int attempt = 0; ; attempt++) {
            int pos = slotPosition(hash, attempt);
            if (isEmpty(pos)) {
                if (entries >= maxEntries) {
                    throw new IllegalStateException("Offset map is full (" + entries + " keys)");
                }
                slots.put(pos, hash);
                slots.putLong(pos + HASH_SIZE, offset);
                entries++;
                break;
            }
            if (sameHash(pos)) {
                slots.putLong(pos + HASH_SIZE, offset);
                break;
            }
            collisions++;
        }
        latestOffset = Math.max(latestOffset, offset);
    }

    /** The latest offset put for {@code key}, or -1. */
    long get(ByteBuffer key) {
        hashInto(key, hash);
        for (int attempt = 0; attempt < slotCount; attempt++) {
            int pos = slotPosition(hash, attempt);
            if (isEmpty(pos)) {
                return -1;
            }
            if (sameHash(pos)) {
                return slots.getLong(pos + HASH_SIZE);
            }
        }
        return -1;
    }

    void clear() {
        Arrays.fill(slots.array(), (byte) 0);
        entries = 0;
        latestOffset = -1;
        collisions = 0;
    }

    private void hashInto(ByteBuffer key, byte[] into) {
        digest.update(key.duplicate());
        try {
            digest.digest(into, 0, HASH_SIZE);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        if (isZero(into)) {
            into[0] = 1; // all-zero marks an empty slot
        }
    }

    /** Kafka's probing: the first 4-byte words of the digest, then linear steps past them. */
    private int slotPosition(byte[] h, int attempt) {
        int word = attempt < HASH_SIZE / 4 ? ByteBuffer.wrap(h).getInt(attempt * 4)
                : ByteBuffer.wrap(h).getInt(0) + attempt - HASH_SIZE / 4 + 1;
        return Math.floorMod(word, slotCount) * SLOT_SIZE;
    }

    private boolean isEmpty(int pos) {
        slots.get(pos, probe);
        return isZero(probe);
    }

    private boolean sameHash(int pos) {
        slots.get(pos, probe);
        return Arrays.equals(probe, hash);
    }

    private static boolean isZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
