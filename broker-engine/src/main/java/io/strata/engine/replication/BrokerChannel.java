package io.strata.engine.replication;

import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * A blocking Kafka-protocol connection from this broker to another one, one request at a time: what a
 * replica fetcher needs (it has nothing else to do while its fetch long-polls), and what the transaction
 * coordinator's marker sender uses to reach partition leaders. Connects lazily and re-connects when the
 * target's endpoint changes or after a failure.
 *
 * <p>Thread-safety: {@link #send} is called by one thread (the fetcher, the marker sender); {@link #close} may be
 * called from another to unblock it, which then fails with an IOException.
 */
public final class BrokerChannel implements Closeable {
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private final String clientId;
    private final int maxResponseBytes;
    private volatile Socket socket;
    private DataInputStream in;
    private DataOutputStream out;
    private String host;
    private int port;
    private int correlationId;
    private volatile boolean closed;

    /** @param maxResponseBytes responses larger than this are refused (the connection is dropped) */
    public BrokerChannel(String clientId, int maxResponseBytes) {
        this.clientId = clientId;
        this.maxResponseBytes = maxResponseBytes;
    }

    /**
     * Sends the request (at the builder's latest allowed version) and waits for its response.
     *
     * @param timeoutMs how long to wait for the response before failing
     * @throws IOException on connection failure, timeout or a malformed response; the connection is dropped
     */
    public AbstractResponse send(String targetHost, int targetPort, AbstractRequest.Builder<?> builder, int timeoutMs)
            throws IOException {
        try {
            connect(targetHost, targetPort);
            short version = builder.latestAllowedVersion();
            AbstractRequest request = builder.build(version);
            RequestHeader header = new RequestHeader(builder.apiKey(), version, clientId, ++correlationId);
            ByteBuffer payload = request.serializeWithHeader(header);
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            out.writeInt(bytes.length);
            out.write(bytes);
            out.flush();
            socket.setSoTimeout(timeoutMs);
            int size = in.readInt();
            if (size < 0 || size > maxResponseBytes) {
                throw new IOException("Response of " + size + " bytes from " + targetHost + ":" + targetPort
                        + " is outside 0.." + maxResponseBytes);
            }
            byte[] body = new byte[size];
            in.readFully(body);
            return AbstractResponse.parseResponse(ByteBuffer.wrap(body), header);
        } catch (IOException | RuntimeException e) {
            disconnect();
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException("Bad response from " + targetHost + ":" + targetPort + ": " + e.getMessage(), e);
        }
    }

    private void connect(String targetHost, int targetPort) throws IOException {
        if (closed) {
            throw new IOException("Channel closed");
        }
        if (socket != null && targetHost.equals(host) && targetPort == port) {
            return;
        }
        disconnect();
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(targetHost, targetPort), CONNECT_TIMEOUT_MS);
        InputStream input = s.getInputStream();
        in = new DataInputStream(new java.io.BufferedInputStream(input, 64 * 1024));
        out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 16 * 1024));
        host = targetHost;
        port = targetPort;
        socket = s;
        if (closed) { // close() ran while connecting
            disconnect();
            throw new IOException("Channel closed");
        }
    }

    /** Drops the connection; the next send re-connects. */
    public void disconnect() {
        Socket s = socket;
        socket = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing to recover
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        disconnect();
    }
}
