package io.strata.engine.it;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;

/** A blocking Kafka connection that sends one request at an exact version and parses the answer. */
public final class RawKafkaConnection implements AutoCloseable {
    private final Socket socket = new Socket();
    private final DataInputStream in;
    private final DataOutputStream out;
    private int correlationId;

    public RawKafkaConnection(String bootstrap) throws IOException {
        this(bootstrap, 0);
    }

    /** With {@code receiveBufferBytes} > 0 the socket's receive buffer is fixed to that size (no autotuning). */
    RawKafkaConnection(String bootstrap, int receiveBufferBytes) throws IOException {
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes); // before connecting, so the TCP window honours it
        }
        String[] hostPort = bootstrap.split(":");
        socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 10_000);
        socket.setSoTimeout(30_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    public <R extends AbstractResponse> R send(AbstractRequest.Builder<?> builder, short version) throws IOException {
        return receive(write(builder, version));
    }

    /** Writes a request without waiting for its response; pair with {@link #receive}, in order. */
    RequestHeader write(AbstractRequest.Builder<?> builder, short version) throws IOException {
        AbstractRequest request = builder.build(version);
        ApiKeys api = request.apiKey();
        RequestHeader header = new RequestHeader(api, version, "raw-client", ++correlationId);
        ByteBuffer payload = request.serializeWithHeader(header);
        out.writeInt(payload.remaining());
        out.write(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining());
        out.flush();
        return header;
    }

    /** Reads the next response and parses it as the answer to {@code header} (fails on a correlation mismatch). */
    @SuppressWarnings("unchecked")
    <R extends AbstractResponse> R receive(RequestHeader header) throws IOException {
        int size = in.readInt();
        byte[] response = new byte[size];
        in.readFully(response);
        return (R) AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
    }

    /** Half-closes the connection: the broker reads end of stream, this side can still read responses. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** True when the broker has closed the connection and no further response bytes arrived. */
    boolean readsEndOfStream() throws IOException {
        return in.read() == -1;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
