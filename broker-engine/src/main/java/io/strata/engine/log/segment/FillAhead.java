package io.strata.engine.log.segment;

import java.util.concurrent.Executor;

/**
 * Whether and how far ahead of their end active segments are zero-filled ({@link ZeroFillAhead}), and where the
 * fills run (the log manager's background thread in a broker).
 *
 * @param executor      runs the fills; null when off
 * @param maxAheadBytes at most this many zeros ahead of a segment's end; 0 turns filling off
 * @param fillFromBytes a segment is filled ahead once it holds this many bytes
 */
public record FillAhead(Executor executor, long maxAheadBytes, long fillFromBytes) {
    public static final FillAhead OFF = new FillAhead(null, 0);
    /** A segment is filled ahead once it holds 1 MiB: only partitions written fast have many fsyncs to speed up. */
    public static final long DEFAULT_FILL_FROM_BYTES = 1024 * 1024;

    public FillAhead {
        if (maxAheadBytes < 0 || fillFromBytes < 1 || (maxAheadBytes > 0 && executor == null)) {
            throw new IllegalArgumentException("Invalid zero fill ahead: " + maxAheadBytes + " bytes from "
                    + fillFromBytes + " on " + executor);
        }
    }

    public FillAhead(Executor executor, long maxAheadBytes) {
        this(executor, maxAheadBytes, DEFAULT_FILL_FROM_BYTES);
    }

    boolean enabled() {
        return maxAheadBytes > 0;
    }
}
