package io.strata.admin.v3.records;

import io.strata.admin.http.PlainJsonString;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A request body that keeps the bytes it has handed to the JSON parser since the current record began, so a long
 * string the parser has not decoded yet can be taken from them ({@link #asciiStringAt}): for a base64 value that is
 * one copy, where the parser's own decoding to UTF-16 and back cost the streaming produce a sixth of its CPU. When
 * the rest of such a string has not arrived yet it is read ahead, and handed to the parser after.
 *
 * <p>Offsets are absolute positions in the body, as the parser's token locations give them. At most
 * {@code maxRetained} bytes are kept: beyond that retention stops until the next {@link #release}, and strings are
 * left to the parser. Not thread-safe: the request thread reads it.
 */
final class RetainedInput extends InputStream {
    private final InputStream in;
    private final int maxRetained;
    private byte[] buffer;
    /**
     * {@code buffer[head..tail)} holds the bytes read from the body and not released; {@code buffer[head..next)}
     * of them were handed to the parser. {@code start} is the absolute offset of {@code buffer[head]}.
     */
    private int head;
    private int next;
    private int tail;
    private long start;
    /**
     * Whether retention stopped (too much retained): the bytes read ahead are still handed over, then reads go
     * straight to the body; {@code head == next} and {@code start} is the offset of the next byte handed over.
     */
    private boolean suspended;

    RetainedInput(InputStream in, int maxRetained) {
        this.in = in;
        this.maxRetained = maxRetained;
        this.buffer = new byte[Math.min(64 * 1024, maxRetained)];
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int count) throws IOException {
        if (count == 0) {
            return 0;
        }
        while (next == tail) {
            if (suspended) {
                int n = in.read(target, offset, count);
                if (n > 0) {
                    start += n;
                }
                return n;
            }
            if (fill() < 0) {
                return -1;
            }
        }
        int n = Math.min(count, tail - next);
        System.arraycopy(buffer, next, target, offset, n);
        next += n;
        if (suspended) {
            head = next;
            start += n;
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /**
     * Bytes before {@code offset} are no longer needed (the parser is at a new record there). After retention
     * stopped, it restarts here from the next byte handed to the parser.
     */
    void release(long offset) {
        if (suspended) {
            suspended = false;
            return;
        }
        int drop = (int) Math.min(next - head, Math.max(0, offset - start));
        head += drop;
        start += drop;
        if (head == tail) {
            head = 0;
            next = 0;
            tail = 0;
        }
    }

    /**
     * The string whose opening quote is at {@code quote}, when it is plain printable ASCII without escapes (the
     * characters are then the bytes themselves); null otherwise, for the parser to decode. Reads ahead to its
     * closing quote when that has not arrived yet.
     */
    String asciiStringAt(long quote) throws IOException {
        if (suspended || quote < start || quote >= start + (next - head)) {
            return null;
        }
        int at = head + (int) (quote - start);
        if (buffer[at] != '"') {
            return null;
        }
        int from = at + 1;
        int i = from;
        while (true) {
            i = PlainJsonString.scan(buffer, i, tail);
            if (i < tail) {
                return buffer[i] == '"' ? new String(buffer, from, i - from, StandardCharsets.ISO_8859_1) : null;
            }
            int before = head;
            if (suspended || fill() < 0 || suspended) {
                return null;
            }
            from -= before - head; // fill may have moved the retained bytes to the front
            i -= before - head;
        }
    }

    /** Reads more of the body after {@code tail}; -1 at its end. May move the buffer's content or stop retention. */
    private int fill() throws IOException {
        if (tail == buffer.length) {
            int retained = tail - head;
            if (retained >= maxRetained) {
                suspend();
                return 0;
            }
            byte[] target = retained * 2 > buffer.length
                    ? new byte[Math.min(maxRetained, Math.max(retained + 1, buffer.length * 2))] : buffer;
            System.arraycopy(buffer, head, target, 0, retained);
            buffer = target;
            next -= head;
            tail = retained;
            head = 0;
        }
        int n = in.read(buffer, tail, buffer.length - tail);
        if (n > 0) {
            tail += n;
        }
        return n;
    }

    /** Stops retaining: the bytes not yet handed over stay to be read, nothing is released or found any more. */
    private void suspend() {
        suspended = true;
        start += next - head;
        head = next;
    }
}
