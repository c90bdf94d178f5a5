package io.strata.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raw sockets sending garbage must get closed (or a proper error) while real clients keep working. */
class BadInputTest {
    @TempDir
    static Path dataDir;
    static BrokerFixture fixture;

    @BeforeAll
    static void start() {
        fixture = BrokerFixture.start(dataDir);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void hugeDeclaredArrayLengthClosesConnection() throws Exception {
        // Metadata v12 header, then a topics array claiming 2^31-2 entries with no bytes behind it.
        ByteBuffer frame = ByteBuffer.allocate(64);
        frame.putShort(ApiKeys.METADATA.id).putShort((short) 12).putInt(7);
        frame.putShort((short) 1).put((byte) 'x'); // client id "x"
        frame.put((byte) 0); // header tagged fields
        frame.put(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07}); // unsigned varint
        frame.flip();
        assertClosedAfter(frame);
        assertClientStillServed();
    }

    @Test
    void twoHundredMebibyteSizePrefixClosesConnection() throws Exception {
        try (Socket socket = connect()) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(200 * 1024 * 1024);
            out.write(new byte[1024]);
            out.flush();
            assertThat(readUntilClosed(socket)).isTrue();
        }
        assertClientStillServed();
    }

    @Test
    void randomBytesCloseConnection() throws Exception {
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        ByteBuffer frame = ByteBuffer.allocate(4 + garbage.length);
        frame.putInt(garbage.length).put(garbage).flip();
        try (Socket socket = connect()) {
            socket.getOutputStream().write(frame.array());
            assertThat(readUntilClosed(socket)).isTrue();
        }
        assertClientStillServed();
    }

    @Test
    void unsupportedApiVersionsVersionGetsUnsupportedVersionError() throws Exception {
        try (Socket socket = connect()) {
            ByteBuffer body = ByteBuffer.allocate(16);
            body.putShort(ApiKeys.API_VERSIONS.id).putShort((short) 999).putInt(42).putShort((short) -1).flip();
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(body.remaining());
            out.write(body.array(), 0, body.remaining());
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] response = new byte[in.readInt()];
            in.readFully(response);
            ByteBuffer buf = ByteBuffer.wrap(response);
            assertThat(buf.getInt()).isEqualTo(42);
            ApiVersionsResponseData data = new ApiVersionsResponseData(new ByteBufferAccessor(buf), (short) 0);
            assertThat(data.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            assertThat(data.apiKeys().find(ApiKeys.PRODUCE.id)).isNotNull();
        }
        assertClientStillServed();
    }

    @Test
    void unsupportedVersionOfOtherApiClosesConnection() throws Exception {
        ByteBuffer frame = ByteBuffer.allocate(16);
        frame.putShort(ApiKeys.PRODUCE.id).putShort((short) 0).putInt(1).putShort((short) -1).flip();
        assertClosedAfter(frame);
        assertClientStillServed();
    }

    private static void assertClosedAfter(ByteBuffer payload) throws IOException {
        try (Socket socket = connect()) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(payload.remaining());
            out.write(payload.array(), 0, payload.remaining());
            out.flush();
            assertThat(readUntilClosed(socket)).isTrue();
        }
    }

    private static Socket connect() throws IOException {
        String[] hostPort = fixture.bootstrapServers().split(":");
        Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]));
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** True when the broker closed the connection without sending a response. */
    private static boolean readUntilClosed(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() == -1;
        } catch (EOFException | SocketException e) {
            return true;
        }
    }

    private static void assertClientStillServed() throws Exception {
        try (Admin admin = fixture.admin();
             KafkaProducer<String, String> producer = fixture.producer(Map.of())) {
            assertThat(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)).hasSize(1);
            assertThat(producer.send(new ProducerRecord<>("bad-input-probe", "k", "v")).get(10, TimeUnit.SECONDS)
                    .offset()).isGreaterThanOrEqualTo(0);
        }
    }
}
