package io.strata.engine.log.segment;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Keeps zeros written and fsynced ahead of an active segment's end, so that appends overwrite blocks the file
 * system has already allocated inside the file's size. An fdatasync after such an append writes the data pages
 * back and nothing else; after an append that grows the file it must also persist the new size and the newly
 * allocated blocks (on ext4 here about 40% of an fdatasync's work, and twice its latency).
 *
 * <p>How far ahead: nothing until the segment holds {@code fillFromBytes} (a partition written slowly has few
 * fsyncs to speed up, and would pay a zero write and an fsync for every few appends); then as many bytes as the
 * segment holds, at most {@code maxAheadBytes} and never past {@code limit} (segment.bytes), so the zeros never
 * outnumber the data. A fill is scheduled when less than half of that is left ahead of the end. The zeros past the segment's size are
 * trimmed when it stops being active or is closed ({@link LogSegment#onBecomeInactive}); after a crash, recovery
 * cuts them as a zero-filled tail.
 *
 * <p>Threading: {@link #beforeWrite}, {@link #afterWrite} and {@link #truncated} run under the log's append lock;
 * fills run on the given executor, in pieces of {@link #PIECE} bytes. A piece is claimed under this object's monitor
 * and only at or above the end of every append so far; an append reaching into the piece being written waits for it
 * (one piece write, well under a millisecond), so zeros never land on data. {@link #stop} waits for the piece in
 * progress, after which no fill writes to the file.
 */
final class ZeroFillAhead {
    private static final Logger log = LoggerFactory.getLogger(ZeroFillAhead.class);
    static final int PIECE = 256 * 1024;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(PIECE).asReadOnlyBuffer();

    private final FileChannel channel;
    private final Executor executor;
    private final long maxAheadBytes;
    private final long fillFromBytes;
    private final long limit;

    // guarded by this
    /** Every byte in [appendedEnd, zeroedEnd) is a zero a fill wrote. */
    private long zeroedEnd;
    /** The end of the last append (or truncation): fills claim pieces only above it. */
    private long appendedEnd;
    private long claimStart = -1;
    private long claimEnd = -1;
    private boolean scheduled;
    private boolean stopped;
    /** Bumped by truncation: a fill started before it ends without writing more. */
    private int generation;

    ZeroFillAhead(FileChannel channel, Executor executor, long maxAheadBytes, long fillFromBytes, long limit, long end) {
        this.channel = channel;
        this.executor = executor;
        this.maxAheadBytes = maxAheadBytes;
        this.fillFromBytes = fillFromBytes;
        this.limit = limit;
        this.appendedEnd = end;
        this.zeroedEnd = end;
    }

    /** Before an append writes [start, end): waits while a fill writes zeros there. */
    synchronized void beforeWrite(long start, long end) throws IOException {
        boolean interrupted = false;
        while (claimStart >= 0 && claimStart < end && start < claimEnd) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true; // the append must not proceed onto a piece being zeroed; finish waiting
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        appendedEnd = Math.max(appendedEnd, end);
    }

    /** After an append ending at {@code end}: schedules a fill when less than half a chunk is left ahead. */
    synchronized void afterWrite(long end) {
        if (stopped || scheduled || end < fillFromBytes) {
            return;
        }
        long chunk = Math.min(maxAheadBytes, end);
        long target = Math.min(limit, end + chunk);
        if (zeroedEnd - end >= chunk / 2 || target <= Math.max(zeroedEnd, end)) {
            return;
        }
        int fillGeneration = generation;
        scheduled = true;
        try {
            executor.execute(() -> fill(fillGeneration, target));
        } catch (RejectedExecutionException e) {
            scheduled = false;
            stopped = true; // the broker is stopping
        }
    }

    /** The segment was cut to {@code end}: zeros above it are gone, and a fill in progress stops. */
    synchronized void truncated(long end) {
        awaitNoClaim();
        generation++;
        scheduled = false;
        appendedEnd = end;
        zeroedEnd = end;
    }

    /** No fill writes to the file once this returns. */
    synchronized void stop() {
        stopped = true;
        awaitNoClaim();
    }

    /** For tests: where the zeros a fill wrote end. */
    synchronized long zeroedEnd() {
        return zeroedEnd;
    }

    /** For tests: whether a fill is scheduled or running. */
    synchronized boolean filling() {
        return scheduled;
    }

    private void awaitNoClaim() {
        boolean interrupted = false;
        while (claimStart >= 0) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void fill(int fillGeneration, long target) {
        boolean wrote = false;
        try {
            while (true) {
                long from;
                long to;
                synchronized (this) {
                    if (stopped || fillGeneration != generation) {
                        return;
                    }
                    from = Math.max(zeroedEnd, appendedEnd);
                    if (from >= target) {
                        break;
                    }
                    to = Math.min(target, from + PIECE);
                    claimStart = from;
                    claimEnd = to;
                }
                try {
                    ByteBuffer zeros = ZEROS.duplicate().limit((int) (to - from));
                    long at = from;
                    while (zeros.hasRemaining()) {
                        at += channel.write(zeros, at);
                    }
                    wrote = true;
                } finally {
                    synchronized (this) {
                        claimStart = -1;
                        claimEnd = -1;
                        if (fillGeneration == generation) {
                            zeroedEnd = Math.max(zeroedEnd, to);
                        }
                        notifyAll();
                    }
                }
            }
            if (wrote) {
                // The blocks are allocated and the size persisted only once written back: the appends that land on
                // them must find them so.
                channel.force(false);
            }
        } catch (ClosedChannelException e) {
            synchronized (this) {
                stopped = true; // closed as after a crash, or deleted
            }
        } catch (IOException e) {
            synchronized (this) {
                stopped = true;
            }
            log.warn("Zero fill ahead of a segment's end failed; its appends grow the file from now on: {}",
                    e.toString());
        } finally {
            synchronized (this) {
                if (fillGeneration == generation) {
                    scheduled = false;
                }
            }
        }
    }
}
