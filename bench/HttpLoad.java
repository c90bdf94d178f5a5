import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * HTTP load generator of bench/http.sh: a single-file program for the JDK's source launcher
 * ({@code java bench/HttpLoad.java MODE --option=value...}), Java 17, JDK HttpClient and raw sockets only.
 *
 * <p>Modes (each prints one {@code RESULT key=value...} line on stdout that http.sh parses; progress and errors
 * go to stderr; the exit status is non-zero when the run failed or its data did not check out):
 * <ul>
 *   <li>{@code v2-produce}: {@code POST /topics/{t}} with {@code application/vnd.kafka.binary.v2+json},
 *       {@code --batch} records per request on {@code --concurrency} kept-alive connections (raw HTTP/1.1), each
 *       sending its next request when the previous one answered. Counts the offsets answered without an error code.</li>
 *   <li>{@code v3-produce}: {@code --streams} parallel {@code POST /v3/clusters/{c}/topics/{t}/records}
 *       requests, each a chunked stream of concatenated JSON records (BINARY values) written by one thread while
 *       another reads the delivery reports. Counts the reports with error_code 200.</li>
 *   <li>{@code v2-consume}: a v2 consumer instance (binary format, earliest) subscribed to the topic, polling
 *       {@code GET .../records?max_bytes=} until {@code --records} records came; checks that no (partition,
 *       offset) repeats and every value has {@code --size} bytes.</li>
 *   <li>{@code v3-read}: the stateless read {@code GET /v3/clusters/{c}/topics/{t}/partitions/{p}/records
 *       ?offset=&limit=}, paging through every partition from its first offset to the end offset of its first page;
 *       checks offsets are contiguous and the total is {@code --records}.</li>
 * </ul>
 * The RESULT line also carries {@code client_cpu_s}, this process's CPU time while the mode ran.
 *
 * <p>Common options: {@code --url=http://host:port} (required), {@code --topic=} (required), {@code --records=},
 * {@code --size=1024} (value bytes; the values are random bytes, base64 in the JSON). The v3 modes look the
 * cluster id up with {@code GET /v3/clusters}.
 *
 * <p>MB are 2^20 bytes of record values, as Kafka's ProducerPerformance counts them; the seconds are wall clock
 * from the first request to the last answer.
 */
public class HttpLoad {
    static final String V2_JSON = "application/vnd.kafka.v2+json";
    static final String V2_BINARY = "application/vnd.kafka.binary.v2+json";
    /** Distinct payloads cycled through: enough that no two neighbouring records are alike, cheap to prepare. */
    static final int DISTINCT_VALUES = 64;
    static final String STORED_REPORT = "{\"error_code\":200,";

    final Map<String, String> options;
    final URI base;
    final String topic;
    final long records;
    final int size;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    HttpLoad(Map<String, String> options) {
        this.options = options;
        this.base = URI.create(required("url").replaceAll("/+$", ""));
        this.topic = required("topic");
        this.records = Long.parseLong(options.getOrDefault("records", "100000"));
        this.size = Integer.parseInt(options.getOrDefault("size", "1024"));
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: java bench/HttpLoad.java v2-produce|v3-produce|v2-consume|v3-read --url=... --topic=... [--option=value...]");
            System.exit(2);
        }
        Map<String, String> options = new HashMap<>();
        for (String arg : Arrays.asList(args).subList(1, args.length)) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("options are --name=value, not " + arg);
            }
            options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        HttpLoad load = new HttpLoad(options);
        long cpuBefore = processCpuNanos();
        Result result = switch (args[0]) {
            case "v2-produce" -> load.v2Produce();
            case "v3-produce" -> load.v3Produce();
            case "v2-consume" -> load.v2Consume();
            case "v3-read" -> load.v3Read();
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        };
        // The client's own CPU while it ran the mode (not the source launcher's compilation before it).
        result.extra().put("client_cpu_s", String.format(Locale.ROOT, "%.2f", (processCpuNanos() - cpuBefore) / 1e9));
        System.out.println(result.line());
        if (result.problem != null) {
            System.err.println("FAILED: " + result.problem);
            System.exit(1);
        }
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** What a mode measured; {@code problem} is null when the run and its data check passed. */
    record Result(long records, long bytes, double seconds, Map<String, Object> extra, String problem) {
        String line() {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "RESULT records=%d bytes=%d seconds=%.3f "
                    + "records_per_s=%.0f mb_per_s=%.2f", records, bytes, seconds, records / seconds,
                    bytes / seconds / (1 << 20)));
            extra.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
            return line.toString();
        }
    }

    // ---- v2 batched produce ----

    Result v2Produce() throws Exception {
        int batch = intOption("batch", 500);
        int concurrency = intOption("concurrency", 4);
        String[] values = base64Values();
        // A few prepared bodies of a full batch, cycled through, so the client spends its CPU on HTTP, not on JSON.
        byte[][] bodies = new byte[8][];
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = v2Body(values, i * batch, batch);
        }
        URI uri = base.resolve("/topics/" + topic);
        AtomicLong nextBatch = new AtomicLong();
        long batches = (records + batch - 1) / batch;
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        LatencyLog latencies = new LatencyLog();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            workers.add(pool.submit(() -> {
                try (KeepAlive connection = new KeepAlive(base)) {
                    long b;
                    while ((b = nextBatch.getAndIncrement()) < batches) {
                        int count = (int) Math.min(batch, records - b * batch);
                        byte[] body = count == batch ? bodies[(int) (b % bodies.length)] : v2Body(values, 0, count);
                        long sent = System.nanoTime();
                        KeepAlive.Response response = connection.post(uri.getRawPath(), V2_BINARY, V2_JSON, body);
                        latencies.add(System.nanoTime() - sent);
                        if (response.status() != 200) {
                            failed.addAndGet(count);
                            firstError.compareAndSet(null, "HTTP " + response.status() + ": " + abbreviate(response.body()));
                            continue;
                        }
                        int ok = 0;
                        for (Object o : list(map(Json.parse(response.body())).get("offsets"))) {
                            Map<String, Object> offset = map(o);
                            if (offset.get("error_code") == null && offset.get("offset") != null) {
                                ok++;
                            } else {
                                firstError.compareAndSet(null, String.valueOf(offset));
                            }
                        }
                        acked.addAndGet(ok);
                        failed.addAndGet(count - ok);
                    }
                    return null;
                }
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("acked", acked.get());
        extra.put("failed", failed.get());
        extra.put("requests", batches);
        latencies.describe("request_ms", extra);
        return new Result(acked.get(), acked.get() * size, seconds, extra,
                failed.get() == 0 ? null : failed.get() + " records not acknowledged, first error: " + firstError.get());
    }

    private static byte[] v2Body(String[] values, int first, int count) {
        StringBuilder body = new StringBuilder(count * (values[0].length() + 16) + 16).append("{\"records\":[");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : ",").append("{\"value\":\"").append(values[(first + i) % values.length]).append("\"}");
        }
        return body.append("]}").toString().getBytes(StandardCharsets.US_ASCII);
    }

    // ---- v3 streaming produce ----

    Result v3Produce() throws Exception {
        int streams = intOption("streams", 4);
        int chunkRecords = intOption("chunk", 64);
        String cluster = clusterId();
        String path = "/v3/clusters/" + cluster + "/topics/" + topic + "/records";
        String[] values = base64Values();
        byte[][] chunks = new byte[8][];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = v3Chunk(values, i * chunkRecords, chunkRecords);
        }
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(streams * 2);
        List<Future<?>> readers = new ArrayList<>();
        long start = System.nanoTime();
        for (int s = 0; s < streams; s++) {
            long count = records / streams + (s < records % streams ? 1 : 0);
            Socket socket = new Socket(base.getHost(), base.getPort());
            socket.setSoTimeout(120_000);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nContent-Type: application/json"
                    + "\r\nAccept: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            pool.submit(() -> {
                long sent = 0;
                int c = 0;
                try {
                    while (sent < count) {
                        int n = (int) Math.min(chunkRecords, count - sent);
                        byte[] chunk = n == chunkRecords ? chunks[c++ % chunks.length] : v3Chunk(values, 0, n);
                        out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(chunk);
                        out.write('\r');
                        out.write('\n');
                        sent += n;
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    // The server stopped reading (it answered an error and closed); the reader reports it.
                    firstError.compareAndSet(null, "sending records failed after " + sent + ": " + e);
                }
                return null;
            });
            readers.add(pool.submit(() -> {
                try (socket) {
                    HttpStream response = new HttpStream(socket.getInputStream());
                    if (response.status != 200) {
                        failed.addAndGet(count);
                        firstError.compareAndSet(null, "HTTP " + response.status + ": " + abbreviate(response.readLine()));
                        return null;
                    }
                    long reports = 0;
                    String line;
                    BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                            StandardCharsets.UTF_8), 1 << 16);
                    while (reports < count && (line = lines.readLine()) != null) {
                        if (line.isBlank()) {
                            continue;
                        }
                        reports++;
                        // Reports start with their error_code (ProduceResponse's first field); others are parsed.
                        Object code = line.startsWith(STORED_REPORT) ? 200 : map(Json.parse(line)).get("error_code");
                        if (code instanceof Number n && n.intValue() == 200) {
                            acked.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            firstError.compareAndSet(null, abbreviate(line));
                        }
                    }
                    if (reports < count) {
                        failed.addAndGet(count - reports);
                        firstError.compareAndSet(null, "the stream ended after " + reports + " of " + count + " reports");
                    }
                }
                return null;
            }));
        }
        for (Future<?> reader : readers) {
            reader.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdownNow();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("acked", acked.get());
        extra.put("failed", failed.get());
        extra.put("streams", streams);
        return new Result(acked.get(), acked.get() * size, seconds, extra,
                failed.get() == 0 ? null : failed.get() + " records without a 200 report, first: " + firstError.get());
    }

    private static byte[] v3Chunk(String[] values, int first, int count) {
        StringBuilder chunk = new StringBuilder();
        for (int i = 0; i < count; i++) {
            chunk.append("{\"value\":{\"type\":\"BINARY\",\"data\":\"").append(values[(first + i) % values.length])
                    .append("\"}}\n");
        }
        return chunk.toString().getBytes(StandardCharsets.US_ASCII);
    }

    // ---- v2 consumer instance ----

    Result v2Consume() throws Exception {
        long maxBytes = Long.parseLong(options.getOrDefault("max-bytes", String.valueOf(64L << 20)));
        long idleMillis = Long.parseLong(options.getOrDefault("idle-ms", "30000"));
        String group = options.getOrDefault("group", "http-bench-" + System.currentTimeMillis());
        long start = System.nanoTime();
        HttpResponse<String> created = send("POST", base.resolve("/consumers/" + group), V2_JSON,
                "{\"name\":\"bench\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}", V2_JSON);
        expect(created, 200, "creating the consumer instance");
        String instance = (String) map(Json.parse(created.body())).get("base_uri");
        expect(send("POST", URI.create(instance + "/subscription"), V2_JSON,
                "{\"topics\":[\"" + topic + "\"]}", V2_JSON), 204, "subscribing");
        URI poll = URI.create(instance + "/records?timeout=1000&max_bytes=" + maxBytes);
        KeepAlive polls = new KeepAlive(poll);
        Map<Integer, BitSet> seen = new HashMap<>();
        long count = 0, bytes = 0, duplicates = 0, wrongSize = 0, requests = 0;
        long firstRecord = 0, lastProgress = System.nanoTime();
        try {
            while (count < records) {
                KeepAlive.Response response = polls.get(poll.getRawPath() + "?" + poll.getRawQuery(), V2_BINARY);
                requests++;
                if (response.status() != 200) {
                    throw new IllegalStateException("polling records: HTTP " + response.status() + " "
                            + abbreviate(response.body()));
                }
                List<Object> batch = list(Json.parse(response.body()));
                if (batch.isEmpty()) {
                    if (System.nanoTime() - lastProgress > idleMillis * 1_000_000) {
                        break;
                    }
                    continue;
                }
                if (firstRecord == 0) {
                    firstRecord = System.nanoTime();
                }
                lastProgress = System.nanoTime();
                for (Object o : batch) {
                    Map<String, Object> record = map(o);
                    int partition = ((Number) record.get("partition")).intValue();
                    long offset = ((Number) record.get("offset")).longValue();
                    if (seen.computeIfAbsent(partition, p -> new BitSet()).get((int) offset)) {
                        duplicates++;
                    }
                    seen.get(partition).set((int) offset);
                    int length = base64Length(record.get("value"));
                    if (length != size) {
                        wrongSize++;
                    }
                    bytes += length;
                    count++;
                }
            }
        } finally {
            polls.close();
            send("DELETE", URI.create(instance), V2_JSON, null, V2_JSON);
        }
        long end = System.nanoTime();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("requests", requests);
        extra.put("fetch_seconds", String.format(Locale.ROOT, "%.3f", (end - firstRecord) / 1e9));
        extra.put("fetch_records_per_s", String.format(Locale.ROOT, "%.0f", count / ((end - firstRecord) / 1e9)));
        extra.put("duplicates", duplicates);
        String problem = count != records ? "consumed " + count + " of " + records + " records"
                : duplicates > 0 ? duplicates + " records came twice"
                : wrongSize > 0 ? wrongSize + " values were not " + size + " bytes" : null;
        return new Result(count, bytes, (end - start) / 1e9, extra, problem);
    }

    // ---- v3 stateless read ----

    Result v3Read() throws Exception {
        int limit = intOption("limit", 1000);
        String cluster = clusterId();
        String partitionsPath = "/v3/clusters/" + cluster + "/topics/" + topic + "/partitions";
        HttpResponse<String> partitionList = send("GET", base.resolve(partitionsPath), null, null, "application/json");
        expect(partitionList, 200, "listing partitions");
        List<Integer> partitions = new ArrayList<>();
        for (Object p : list(map(Json.parse(partitionList.body())).get("data"))) {
            partitions.add(((Number) map(p).get("partition_id")).intValue());
        }
        long count = 0, bytes = 0, requests = 0, gaps = 0, wrongSize = 0;
        long start = System.nanoTime();
        KeepAlive connection = new KeepAlive(base);
        for (int partition : partitions) {
            long offset = -1, end = -1;
            do {
                String query = "?limit=" + limit + (offset < 0 ? "&from=earliest" : "&offset=" + offset);
                KeepAlive.Response page = connection.get(base.getRawPath() + partitionsPath + "/" + partition
                        + "/records" + query, "application/json");
                requests++;
                if (page.status() != 200) {
                    throw new IllegalStateException("reading partition " + partition + ": HTTP " + page.status() + " "
                            + abbreviate(page.body()));
                }
                Map<String, Object> body = map(Json.parse(page.body()));
                if (end < 0) {
                    end = ((Number) body.get("end_offset")).longValue();
                    offset = ((Number) body.get("beginning_offset")).longValue();
                }
                for (Object o : list(body.get("data"))) {
                    Map<String, Object> record = map(o);
                    long at = ((Number) record.get("offset")).longValue();
                    if (at != offset) {
                        gaps++;
                    }
                    offset = at + 1;
                    int length = ((Number) map(record.get("value")).get("size")).intValue();
                    if (length != size) {
                        wrongSize++;
                    }
                    bytes += length;
                    count++;
                }
                offset = Math.max(offset, ((Number) body.get("next_offset")).longValue());
            } while (offset < end);
        }
        connection.close();
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("requests", requests);
        extra.put("partitions", partitions.size());
        String problem = count != records ? "read " + count + " of " + records + " records"
                : gaps > 0 ? gaps + " offsets out of sequence"
                : wrongSize > 0 ? wrongSize + " values were not " + size + " bytes" : null;
        return new Result(count, bytes, seconds, extra, problem);
    }

    // ---- helpers ----

    String clusterId() throws Exception {
        HttpResponse<String> clusters = send("GET", base.resolve("/v3/clusters"), null, null, "application/json");
        expect(clusters, 200, "listing clusters");
        return (String) map(list(map(Json.parse(clusters.body())).get("data")).get(0)).get("cluster_id");
    }

    HttpResponse<String> send(String method, URI uri, String contentType, String body, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120)).header("Accept", accept)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void expect(HttpResponse<String> response, int status, String what) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(what + ": HTTP " + response.statusCode() + " " + abbreviate(response.body()));
        }
    }

    /** DISTINCT_VALUES random values of {@code size} bytes, base64 encoded. */
    String[] base64Values() {
        Random random = new Random(42);
        String[] values = new String[DISTINCT_VALUES];
        for (int i = 0; i < values.length; i++) {
            byte[] value = new byte[size];
            random.nextBytes(value);
            values[i] = Base64.getEncoder().encodeToString(value);
        }
        return values;
    }

    /** The decoded length of a base64 value the JSON parser kept (as its length only, see Json). */
    static int base64Length(Object value) {
        if (value instanceof Json.Opaque opaque) {
            return opaque.base64Bytes();
        }
        return value == null ? 0 : Base64.getDecoder().decode((String) value).length;
    }

    String required(String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + "= is required");
        }
        return value;
    }

    int intOption(String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, String.valueOf(fallback)));
    }

    static String abbreviate(String text) {
        return text == null ? "" : text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    /** Request latencies; summarised as avg, p50, p99 and max in ms. */
    static final class LatencyLog {
        private final List<Long> nanos = new ArrayList<>();

        synchronized void add(long value) {
            nanos.add(value);
        }

        synchronized void describe(String prefix, Map<String, Object> into) {
            if (nanos.isEmpty()) {
                return;
            }
            long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
            into.put(prefix + "_avg", String.format(Locale.ROOT, "%.1f", Arrays.stream(sorted).average().orElse(0) / 1e6));
            into.put(prefix + "_p50", String.format(Locale.ROOT, "%.1f", sorted[sorted.length / 2] / 1e6));
            into.put(prefix + "_p99", String.format(Locale.ROOT, "%.1f", sorted[(int) (sorted.length * 0.99)] / 1e6));
            into.put(prefix + "_max", String.format(Locale.ROOT, "%.1f", sorted[sorted.length - 1] / 1e6));
        }
    }

    /**
     * One HTTP/1.1 connection used for request after request, as a load generator such as wrk uses it: each request
     * is written straight from its prepared body and its response read in bulk; the connection is reopened when the server
     * closes it (Tomcat does after {@code max-keep-alive-requests}, 100 by default). The JDK's HttpClient, used
     * here before, took the bench client as much CPU as the platform's whole HTTP layer, on the two cores both share.
     * Not thread-safe: one per worker.
     */
    static final class KeepAlive implements AutoCloseable {
        record Response(int status, String body) {
        }

        private final URI base;
        private Socket socket;
        private OutputStream out;
        private InputStream in;

        KeepAlive(URI base) {
            this.base = base;
        }

        Response post(String path, String contentType, String accept, byte[] body) throws IOException {
            return exchange("POST " + path + " HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nContent-Type: "
                    + contentType + "\r\nAccept: " + accept + "\r\nContent-Length: " + body.length + "\r\n\r\n", body);
        }

        Response get(String pathAndQuery, String accept) throws IOException {
            return exchange("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nAccept: " + accept
                    + "\r\n\r\n", new byte[0]);
        }

        private Response exchange(String requestHead, byte[] body) throws IOException {
            byte[] head = requestHead.getBytes(StandardCharsets.US_ASCII);
            if (socket == null) {
                socket = new Socket(base.getHost(), base.getPort());
                socket.setSoTimeout(120_000);
                socket.setTcpNoDelay(true);
                out = socket.getOutputStream();
                in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            }
            out.write(head);
            out.write(body);
            out.flush();
            HttpStream response = new HttpStream(in);
            String text = new String(response.readBody(), StandardCharsets.UTF_8);
            if ("close".equalsIgnoreCase(response.headers.get("connection"))) {
                close();
            }
            return new Response(response.status, text);
        }

        @Override
        public void close() throws IOException {
            if (socket != null) {
                socket.close();
                socket = null;
            }
        }
    }

    /**
     * The response side of a raw HTTP/1.1 exchange: status line and headers, then the body (chunked or not) line
     * by line. JDK's HttpClient sends a whole request body before it reads the response, which a server that
     * answers while it reads would block on; hence a socket.
     */
    static final class HttpStream {
        final InputStream in;
        final int status;
        final Map<String, String> headers = new HashMap<>();
        final boolean chunked;
        /** The body's Content-Length, or -1 when chunked or read until the connection closes. */
        final long contentLength;
        private int chunkLeft;
        private boolean done;

        /** Reads the status line and headers from {@code raw} (used as it is when already buffered). */
        HttpStream(InputStream raw) throws IOException {
            in = raw instanceof BufferedInputStream buffered ? buffered : new BufferedInputStream(raw, 1 << 16);
            String statusLine = rawLine();
            if (statusLine.isEmpty()) {
                throw new IOException("the server closed the connection without a response");
            }
            status = Integer.parseInt(statusLine.split(" ")[1]);
            String line;
            while (!(line = rawLine()).isEmpty()) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
            contentLength = chunked || !headers.containsKey("content-length") ? -1
                    : Long.parseLong(headers.get("content-length"));
        }

        /** The whole body, read in bulk; the connection is then at the next response. */
        byte[] readBody() throws IOException {
            if (contentLength >= 0) {
                byte[] body = in.readNBytes((int) contentLength);
                if (body.length < contentLength) {
                    throw new IOException("the connection closed inside a response body");
                }
                return body;
            }
            if (!chunked) {
                return in.readAllBytes();
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream(1 << 15);
            while (true) {
                String sizeLine = rawLine();
                if (sizeLine.isEmpty()) {
                    throw new IOException("the connection closed inside a chunked response");
                }
                int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                if (size == 0) {
                    while (!rawLine().isEmpty()) {
                        // trailers
                    }
                    return body.toByteArray();
                }
                byte[] chunk = in.readNBytes(size);
                if (chunk.length < size) {
                    throw new IOException("the connection closed inside a chunk");
                }
                body.write(chunk);
                rawLine(); // the CRLF after the chunk
            }
        }

        /** The body as a stream (chunked framing removed), read in bulk. */
        InputStream body() {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    return bodyByte();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (len == 0) {
                        return 0;
                    }
                    if (done) {
                        return -1;
                    }
                    if (!chunked) {
                        return in.read(b, off, len);
                    }
                    int first = bodyByte(); // reads the next chunk's size line when needed
                    if (first < 0) {
                        return -1;
                    }
                    b[off] = (byte) first;
                    int n = chunkLeft == 0 ? 0 : in.read(b, off + 1, Math.min(len - 1, chunkLeft));
                    if (n < 0) {
                        done = true;
                        return 1;
                    }
                    chunkLeft -= n;
                    return 1 + n;
                }
            };
        }

        /** The next body line without its newline, or null at the end of the body. */
        String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(512);
            int b;
            while ((b = bodyByte()) >= 0 && b != '\n') {
                line.write(b);
            }
            return b < 0 && line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
        }

        private int bodyByte() throws IOException {
            if (done) {
                return -1;
            }
            if (!chunked) {
                return in.read();
            }
            if (chunkLeft == 0) {
                String sizeLine = rawLine();
                if (sizeLine.isEmpty()) {
                    sizeLine = rawLine(); // the CRLF that ends the previous chunk
                }
                if (sizeLine.isEmpty()) {
                    done = true; // connection closed
                    return -1;
                }
                chunkLeft = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                if (chunkLeft == 0) {
                    done = true;
                    return -1;
                }
            }
            chunkLeft--;
            return in.read();
        }

        private String rawLine() throws IOException {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }
    }

    /**
     * A minimal JSON reader (objects as maps, arrays as lists, numbers as Long or Double). Strings longer than
     * {@link #OPAQUE_ABOVE} characters without escapes are kept as their length only ({@link Opaque}): they are the
     * base64 values, whose size is all the bench checks, and copying them would cost the client more CPU.
     */
    static final class Json {
        static final int OPAQUE_ABOVE = 256;

        record Opaque(int chars, int base64Bytes) {
        }

        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String text) {
            Json json = new Json(text);
            Object value = json.value();
            json.skipSpace();
            if (json.i != text.length()) {
                throw json.error("trailing characters");
            }
            return value;
        }

        private Object value() {
            skipSpace();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{': {
                    i++;
                    Map<String, Object> map = new LinkedHashMap<>();
                    skipSpace();
                    if (s.charAt(i) == '}') {
                        i++;
                        return map;
                    }
                    while (true) {
                        skipSpace();
                        Object key = string();
                        skipSpace();
                        expect(':');
                        map.put(String.valueOf(key), value());
                        skipSpace();
                        if (s.charAt(i) == ',') {
                            i++;
                        } else {
                            expect('}');
                            return map;
                        }
                    }
                }
                case '[': {
                    i++;
                    List<Object> list = new ArrayList<>();
                    skipSpace();
                    if (s.charAt(i) == ']') {
                        i++;
                        return list;
                    }
                    while (true) {
                        list.add(value());
                        skipSpace();
                        if (s.charAt(i) == ',') {
                            i++;
                        } else {
                            expect(']');
                            return list;
                        }
                    }
                }
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    return number();
            }
        }

        private Object string() {
            expect('"');
            int start = i;
            int end = start;
            while (end < s.length() && s.charAt(end) != '"' && s.charAt(end) != '\\') {
                end++;
            }
            if (end >= s.length()) {
                throw error("unterminated string");
            }
            if (s.charAt(end) == '"') {
                i = end + 1;
                int chars = end - start;
                if (chars > OPAQUE_ABOVE) {
                    int padding = s.charAt(end - 1) == '=' ? (s.charAt(end - 2) == '=' ? 2 : 1) : 0;
                    return new Opaque(chars, chars / 4 * 3 - padding);
                }
                return s.substring(start, end);
            }
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> out.append(e);
                }
            }
        }

        private Object number() {
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            String n = s.substring(start, i);
            if (n.isEmpty()) {
                throw error("unexpected character");
            }
            return n.contains(".") || n.contains("e") || n.contains("E") ? (Object) Double.parseDouble(n) : (Object) Long.parseLong(n);
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, i)) {
                throw error("unexpected character");
            }
            i += word.length();
            return value;
        }

        private void expect(char c) {
            if (i >= s.length() || s.charAt(i) != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("JSON: " + what + " at " + i + " in " + abbreviate(s));
        }
    }
}
