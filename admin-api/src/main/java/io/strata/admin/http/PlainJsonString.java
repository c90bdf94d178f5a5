package io.strata.admin.http;

/**
 * Finds where a JSON string in raw body bytes ends when its content is plain printable ASCII, with no escapes:
 * its characters are then its bytes, and it can be taken from the body without the parser decoding it.
 */
public final class PlainJsonString {

    private PlainJsonString() {
    }

    /**
     * Scans the content of a string starting at {@code from} (just after its opening quote), up to {@code to}:
     * the index of its closing quote, or of the first byte that is an escape, a control character or not ASCII,
     * or {@code to} when neither comes before it.
     */
    public static int scan(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = bytes[i];
            if (b == '"' || b == '\\' || b < 0x20) { // negative: a non-ASCII byte
                return i;
            }
        }
        return to;
    }
}
