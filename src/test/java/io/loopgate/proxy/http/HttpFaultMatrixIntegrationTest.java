package io.loopgate.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopgate.testing.Gateway;
import io.loopgate.testing.RawHttp;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fault matrix: an upstream that refuses, resets, stalls, closes early or talks garbage, and a client that
 * leaves mid-upload or mid-download. Each case gets the right status (or a clean close once the response has
 * started), the pool's active count returns to 0, no buffer leaks (PARANOID, checked per class), and the gateway
 * keeps serving.
 */
class HttpFaultMatrixIntegrationTest {

    static ScriptedUpstream scripted;
    static int refusedPort;
    static Gateway gateway;
    static int port;

    @BeforeAll
    static void start() throws IOException {
        scripted = new ScriptedUpstream();
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refusedPort = s.getLocalPort();
        }
        gateway = Gateway.start(
                "loopgate.loop-groups.main.threads", "1",
                "loopgate.listeners.web.protocol", "http",
                "loopgate.listeners.web.port", "0",
                "loopgate.upstreams.scripted.backends[0]", "127.0.0.1:" + scripted.port(),
                "loopgate.upstreams.scripted.response-timeout", "500ms",
                "loopgate.upstreams.refused.backends[0]", "127.0.0.1:" + refusedPort,
                "loopgate.upstreams.held.backends[0]", "127.0.0.1:" + scripted.port(),
                "loopgate.upstreams.held.pool.max-connections", "1",
                "loopgate.upstreams.held.pool.pending-acquire-max-count", "1",
                "loopgate.routes[0].id", "refused", "loopgate.routes[0].listener", "web",
                "loopgate.routes[0].path", "/refused", "loopgate.routes[0].upstream", "refused",
                "loopgate.routes[1].id", "held", "loopgate.routes[1].listener", "web",
                "loopgate.routes[1].path", "/hold", "loopgate.routes[1].upstream", "held",
                "loopgate.routes[2].id", "scripted", "loopgate.routes[2].listener", "web",
                "loopgate.routes[2].upstream", "scripted");
        port = gateway.port("web");
    }

    @AfterAll
    static void stop() throws IOException {
        gateway.close();
        scripted.close();
    }

    @AfterEach
    void poolsDrainAndTheGatewayKeepsServing() throws IOException {
        for (String upstream : new String[] {"scripted", "held"}) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(activeConnections(upstream)).as(upstream + " active connections").isZero());
        }
        RawHttp.Response ok = RawHttp.get(port, "/ok");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.text()).isEqualTo("ok");
    }

    static double activeConnections(String upstream) {
        return Metrics.globalRegistry.find("reactor.netty.connection.provider.active.connections")
                .tag("name", upstream + "@loopgate-main-0").gauges().stream().mapToDouble(Gauge::value).sum();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "/refused, 502, upstream_unavailable, refused",
        "/reset-before, 502, upstream_unavailable, scripted",
        "/stall-before, 504, upstream_timeout, scripted",
        "/garbage, 502, upstream_unavailable, scripted",
        "/bad-status, 502, upstream_unavailable, scripted",
        "/cl-and-te, 502, upstream_unavailable, scripted",
        "/te-and-cl, 502, upstream_unavailable, scripted",
        "/duplicate-cl, 502, upstream_unavailable, scripted",
        "/cl-list, 502, upstream_unavailable, scripted",
        "/te-gzip, 502, upstream_unavailable, scripted",
        "/te-gzip-chunked, 502, upstream_unavailable, scripted",
    })
    void answersFailuresBeforeTheResponseWithTheirStatus(String path, int status, String error, String route)
            throws Exception {
        int closedBefore = scripted.closedByGateway.get();
        RawHttp.Response response = RawHttp.get(port, path);
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.text())
                .isEqualTo("{\"status\":" + status + ",\"error\":\"" + error + "\",\"route\":\"" + route + "\"}");
        if (!path.equals("/refused") && !path.equals("/reset-before")) {
            // The upstream connection is discarded, never pooled and reused.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> scripted.closedByGateway.get() > closedBefore);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/reset-mid", "/stall-after", "/short", "/short-chunked"})
    void closesTheClientConnectionCleanlyWhenTheUpstreamFailsAfterTheResponseStarted(String path) throws Exception {
        try (RawHttp http = new RawHttp(port)) {
            http.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
            byte[] all = readUntilClosed(http.socket().getInputStream());
            String text = new String(all, StandardCharsets.ISO_8859_1);
            assertThat(text).startsWith("HTTP/1.1 200 ");
            int headEnd = text.indexOf("\r\n\r\n") + 4;
            String head = text.substring(0, headEnd).toLowerCase(Locale.ROOT);
            String body = text.substring(headEnd);
            if (head.contains("content-length:")) {
                int declared = Integer.parseInt(head.replaceAll("(?s).*content-length: *(\\d+).*", "$1"));
                assertThat(body.length()).as("body shorter than declared, then closed").isLessThan(declared);
            }
            else {
                assertThat(head).contains("transfer-encoding: chunked");
                assertThat(body).as("no last chunk: the client can tell it is incomplete").doesNotEndWith("0\r\n\r\n");
            }
        }
    }

    @Test
    void clientAbortingDuringUploadClosesTheUpstreamConnection() throws Exception {
        int closedBefore = scripted.closedByGateway.get();
        int bytesBefore = scripted.uploadBytes.get();
        try (Socket client = new Socket("127.0.0.1", port)) {
            OutputStream out = client.getOutputStream();
            out.write("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[256 * 1024]);
            out.flush();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> scripted.uploadBytes.get() > bytesBefore);
            client.setSoLinger(true, 0);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> scripted.closedByGateway.get() > closedBefore);
    }

    @Test
    void clientAbortingDuringDownloadClosesTheUpstreamConnection() throws Exception {
        int closedBefore = scripted.closedByGateway.get();
        try (RawHttp http = new RawHttp(port)) {
            http.send("GET /download HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(new String(http.socket().getInputStream().readNBytes(64 * 1024), StandardCharsets.ISO_8859_1))
                    .startsWith("HTTP/1.1 200 ");
            http.socket().setSoLinger(true, 0);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> scripted.closedByGateway.get() > closedBefore);
    }

    @Test
    void retriesAnIdempotentRequestOnceOnAFreshConnectionWhenThePooledOneWasClosed() throws Exception {
        // A pooled connection that has served a request; the upstream closes it when it is used again.
        assertThat(RawHttp.get(port, "/ok").status()).isEqualTo(200);
        int requestsBefore = scripted.requests("/stale");
        int connectionsBefore = scripted.accepted.get();
        RawHttp.Response response = RawHttp.get(port, "/stale");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo("first on its connection");
        // Once on the stale pooled connection, once more on one fresh connection.
        assertThat(scripted.requests("/stale") - requestsBefore).isEqualTo(2);
        assertThat(scripted.accepted.get() - connectionsBefore).isEqualTo(1);
    }

    @Test
    void neverRetriesARequestWithABody() throws Exception {
        assertThat(RawHttp.get(port, "/ok").status()).isEqualTo(200);
        int before = scripted.requests("/stale");
        RawHttp.Response response = RawHttp.exchange(port,
                "PUT /stale HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody");
        assertThat(response.status()).isEqualTo(502);
        assertThat(scripted.requests("/stale") - before).isEqualTo(1);
    }

    @Test
    void keepsServingAnUpstreamThatClosesEveryConnectionAfterItsResponse() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(RawHttp.get(port, "/close-after").status()).as("request " + i).isEqualTo(200);
        }
    }

    @Test
    void answers503WhenThePendingAcquireQueueIsFull() throws Exception {
        scripted.hold = new CountDownLatch(1);
        int before = scripted.requests("/hold");
        CompletableFuture<RawHttp.Response> first = CompletableFuture.supplyAsync(() -> get("/hold"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> scripted.requests("/hold") == before + 1);
        CompletableFuture<RawHttp.Response> second = CompletableFuture.supplyAsync(() -> get("/hold"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.globalRegistry
                .find("reactor.netty.connection.provider.pending.connections").tag("name", "held@loopgate-main-0")
                .gauges().stream().mapToDouble(Gauge::value).sum() == 1);
        long start = System.nanoTime();
        RawHttp.Response third = RawHttp.get(port, "/hold");
        assertThat(third.status()).isEqualTo(503);
        assertThat(third.text()).isEqualTo("{\"status\":503,\"error\":\"upstream_unavailable\",\"route\":\"held\"}");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        scripted.hold.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(second.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    }

    private static RawHttp.Response get(String path) {
        try {
            return RawHttp.get(port, path);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) != -1) {
                all.write(buffer, 0, n);
            }
        }
        catch (SocketException e) {
            // reset: closed all the same
        }
        return all.toByteArray();
    }

    /** A raw HTTP/1.1 upstream whose behaviour is chosen by the request path, one thread per connection. */
    static final class ScriptedUpstream implements AutoCloseable {

        final ServerSocket server;
        final AtomicInteger accepted = new AtomicInteger();
        /** Connections the gateway closed while this side still held them open. */
        final AtomicInteger closedByGateway = new AtomicInteger();
        final AtomicInteger uploadBytes = new AtomicInteger();
        final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
        final List<Socket> sockets = new CopyOnWriteArrayList<>();
        volatile CountDownLatch hold = new CountDownLatch(0);

        ScriptedUpstream() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "scripted-upstream");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int requests(String path) {
            return requests.computeIfAbsent(path, p -> new AtomicInteger()).get();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    accepted.incrementAndGet();
                    sockets.add(socket);
                    Thread t = new Thread(() -> serve(socket), "scripted-connection");
                    t.setDaemon(true);
                    t.start();
                }
                catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket socket) {
            try (socket) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                int onThisConnection = 0;
                while (true) {
                    String head = readHead(in);
                    if (head == null) {
                        return;
                    }
                    onThisConnection++;
                    String path = head.split(" ")[1];
                    requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                    String lower = head.toLowerCase(Locale.ROOT);
                    int length = lower.contains("content-length:")
                            ? Integer.parseInt(lower.replaceAll("(?s).*content-length: *(\\d+).*", "$1")) : 0;
                    if (path.equals("/upload")) {
                        byte[] buffer = new byte[8192];
                        int n;
                        while ((n = in.read(buffer)) != -1) {
                            uploadBytes.addAndGet(n);
                        }
                        closedByGateway.incrementAndGet();
                        return;
                    }
                    in.readNBytes(length);
                    if (!respond(path, onThisConnection, socket, in, out)) {
                        return;
                    }
                }
            }
            catch (IOException e) {
                // the gateway went away
            }
        }

        /** Answers one request; false when the connection is finished. */
        private boolean respond(String path, int onThisConnection, Socket socket, InputStream in, OutputStream out)
                throws IOException {
            switch (path) {
                case "/ok" -> write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                case "/reset-before" -> {
                    socket.setSoLinger(true, 0);
                    return false;
                }
                case "/stall-before" -> {
                    awaitClose(in);
                    return false;
                }
                case "/garbage" -> {
                    write(out, "SSH-2.0-OpenSSH_9.2\r\nnot http at all\r\n\r\n");
                    awaitClose(in);
                    return false;
                }
                case "/bad-status" -> {
                    write(out, "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n");
                    awaitClose(in);
                    return false;
                }
                case "/cl-and-te", "/te-and-cl", "/duplicate-cl", "/duplicate-cl-http10", "/cl-list", "/te-gzip",
                        "/te-gzip-chunked" -> {
                    write(out, switch (path) {
                        case "/cl-and-te" -> "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "0\r\n\r\n";
                        case "/te-and-cl" -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
                                + "0\r\n\r\n";
                        case "/duplicate-cl" -> "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello";
                        case "/duplicate-cl-http10" -> "HTTP/1.0 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n"
                                + "hello";
                        case "/cl-list" -> "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello";
                        case "/te-gzip" -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nhello";
                        default -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
                    });
                    awaitClose(in);
                    return false;
                }
                case "/reset-mid" -> {
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "r".repeat(1000));
                    socket.setSoLinger(true, 0);
                    return false;
                }
                case "/stall-after" -> {
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
                    awaitClose(in);
                    return false;
                }
                case "/short" -> {
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + "s".repeat(50));
                    return false;
                }
                case "/short-chunked" -> {
                    write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
                    return false;
                }
                case "/download" -> {
                    write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                    String chunk = Integer.toHexString(16 * 1024) + "\r\n" + "d".repeat(16 * 1024) + "\r\n";
                    try {
                        while (true) {
                            write(out, chunk);
                        }
                    }
                    catch (IOException e) {
                        closedByGateway.incrementAndGet();
                        return false;
                    }
                }
                case "/stale" -> {
                    if (onThisConnection > 1) {
                        return false; // closed just as the pooled connection is reused
                    }
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: 23\r\n\r\nfirst on its connection");
                }
                case "/close-after" -> {
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                    return false;
                }
                case "/hold" -> {
                    try {
                        hold.await(20, TimeUnit.SECONDS);
                    }
                    catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nheld");
                }
                default -> write(out, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
            }
            return true;
        }

        private void awaitClose(InputStream in) {
            try {
                while (in.read() != -1) {
                    // discard
                }
            }
            catch (IOException e) {
                // reset
            }
            closedByGateway.incrementAndGet();
        }

        private static void write(OutputStream out, String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int c;
            int matched = 0;
            while ((c = in.read()) != -1) {
                head.write(c);
                matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3))
                        ? matched + 1 : (c == '\r' ? 1 : 0);
                if (matched == 4) {
                    return head.toString(StandardCharsets.ISO_8859_1);
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
