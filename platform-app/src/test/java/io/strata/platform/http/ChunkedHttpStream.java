package io.strata.platform.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A raw HTTP/1.1 exchange whose request body is sent in chunks while the response is read at the same time, as a
 * streaming client does: JDK's HttpClient sends a whole body before it reads, which a server that answers while
 * it reads would block on.
 */
final class ChunkedHttpStream implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private int status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private int chunkLeft;
    private boolean bodyDone;

    ChunkedHttpStream(int port, String method, String path, String contentType) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(120_000);
        out = new BufferedOutputStream(socket.getOutputStream(), 65536);
        in = new BufferedInputStream(socket.getInputStream(), 65536);
        out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: " + contentType
                + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** Sends {@code data} as one chunk (buffered; {@link #flush} pushes it out). */
    void send(byte[] data) throws IOException {
        if (data.length == 0) {
            return;
        }
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    void flush() throws IOException {
        out.flush();
    }

    /** Ends the request body. */
    void endBody() throws IOException {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads the status line and headers; call once, before {@link #readLine}. */
    int readStatus() throws IOException {
        String statusLine = rawLine();
        status = Integer.parseInt(statusLine.split(" ")[1]);
        String line;
        while (!(line = rawLine()).isEmpty()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return status;
    }

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The next line of the (chunked) response body without its newline, or null at its end. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = bodyByte()) >= 0 && b != '\n') {
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private int bodyByte() throws IOException {
        if (bodyDone) {
            return -1;
        }
        if (!"chunked".equalsIgnoreCase(header("transfer-encoding"))) {
            return in.read();
        }
        if (chunkLeft == 0) {
            String size = rawLine();
            if (size.isEmpty()) {
                size = rawLine();
            }
            chunkLeft = Integer.parseInt(size.split(";")[0].trim(), 16);
            if (chunkLeft == 0) {
                bodyDone = true;
                return -1;
            }
        }
        chunkLeft--;
        int b = in.read();
        if (chunkLeft == 0) {
            rawLine(); // the CRLF after the chunk
        }
        return b;
    }

    private String rawLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
