package io.loopgate.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopgate.testing.Gateway;
import io.loopgate.testing.RawHttp;
import io.loopgate.testing.TestUpstream;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;

/**
 * Raw-socket conformance (RFC 9112 framing, limits, header hygiene, timeouts): exact bytes in, then the status,
 * the JSON body, whether the connection was closed, and what the recording upstream received.
 */
class HttpConformanceIntegrationTest {

    /** Sent right behind every refused request: it must never be answered or forwarded. */
    static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

    static TestUpstream upstream;
    static Gateway gateway;
    static int port;
    static int capped;

    @BeforeAll
    static void start() {
        upstream = TestUpstream.start((req, res) -> req.uri().startsWith("/limited")
                // Answers only once the whole body is in, so a body cut off by the limit gets the gateway's 413.
                ? req.receive().aggregate().asString().defaultIfEmpty("")
                        .flatMap(body -> res.sendString(Mono.just("got " + body.length())).then())
                : res.header("x-upstream-host", String.valueOf(req.requestHeaders().get("host")))
                        .send(req.receive().retain()));
        gateway = Gateway.start(
                "loopgate.loop-groups.main.threads", "1",
                "loopgate.listeners.web.protocol", "http",
                "loopgate.listeners.web.port", "0",
                "loopgate.listeners.web.request-header-timeout", "500ms",
                "loopgate.listeners.web.idle-timeout", "1s",
                "loopgate.listeners.capped.protocol", "http",
                "loopgate.listeners.capped.port", "0",
                "loopgate.listeners.capped.max-connections", "2",
                "loopgate.upstreams.up.backends[0]", upstream.address(),
                "loopgate.routes[0].id", "limited", "loopgate.routes[0].listener", "web",
                "loopgate.routes[0].path", "/limited/**", "loopgate.routes[0].upstream", "up",
                "loopgate.routes[0].max-body-size", "1KB",
                "loopgate.routes[1].id", "backend-host", "loopgate.routes[1].listener", "web",
                "loopgate.routes[1].path", "/backend-host/**", "loopgate.routes[1].upstream", "up",
                "loopgate.routes[1].preserve-host", "false",
                "loopgate.routes[2].id", "all", "loopgate.routes[2].listener", "web",
                "loopgate.routes[2].upstream", "up",
                "loopgate.routes[3].id", "capped", "loopgate.routes[3].listener", "capped",
                "loopgate.routes[3].upstream", "up");
        port = gateway.port("web");
        capped = gateway.port("capped");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static String get(String extraHeaders) {
        return "GET / HTTP/1.1\r\nHost: x\r\n" + extraHeaders + "\r\n";
    }

    static String post(String framingHeaders, String body) {
        return "POST / HTTP/1.1\r\nHost: x\r\n" + framingHeaders + "\r\n" + body;
    }

    static Stream<Arguments> refusedRequests() {
        String kb = "a".repeat(1024);
        StringBuilder manyHeaders = new StringBuilder();
        for (int i = 0; i < 101; i++) {
            manyHeaders.append("x-h").append(i).append(": 1\r\n");
        }
        StringBuilder bigSection = new StringBuilder();
        for (int i = 0; i < 70; i++) {
            bigSection.append("x-big").append(i).append(": ").append(kb).append("\r\n");
        }
        return Stream.of(
                // Content-Length and Transfer-Encoding together, in both orders
                Arguments.of("CL then TE", post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), 400),
                Arguments.of("TE then CL", post("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n"), 400),
                // Content-Length
                Arguments.of("duplicate equal CL", post("Content-Length: 5\r\nContent-Length: 5\r\n", "hello"), 400),
                Arguments.of("duplicate different CL", post("Content-Length: 5\r\nContent-Length: 6\r\n", "hello!"), 400),
                Arguments.of("CL list", post("Content-Length: 5, 5\r\n", "hello"), 400),
                Arguments.of("CL with sign", post("Content-Length: +5\r\n", "hello"), 400),
                Arguments.of("negative CL", post("Content-Length: -1\r\n", ""), 400),
                Arguments.of("hex CL", post("Content-Length: 0x5\r\n", "hello"), 400),
                Arguments.of("CL with junk", post("Content-Length: 5a\r\n", "hello"), 400),
                Arguments.of("empty CL", post("Content-Length: \r\n", ""), 400),
                Arguments.of("overflowing CL", post("Content-Length: 99999999999999999999\r\n", ""), 400),
                // Transfer-Encoding other than a final chunked
                Arguments.of("TE gzip only", post("Transfer-Encoding: gzip\r\n", "hello"), 400),
                Arguments.of("TE chunked not last", post("Transfer-Encoding: chunked, gzip\r\n", "0\r\n\r\n"), 400),
                Arguments.of("TE chunked twice", post("Transfer-Encoding: chunked, chunked\r\n", "0\r\n\r\n"), 400),
                Arguments.of("TE in two fields, chunked first",
                        post("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n", "0\r\n\r\n"), 400),
                Arguments.of("TE identity", post("Transfer-Encoding: identity\r\n", "hello"), 400),
                Arguments.of("TE with junk", post("Transfer-Encoding: chunked\u00ff\r\n", "0\r\n\r\n"), 400),
                Arguments.of("TE on HTTP/1.0",
                        "POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("unknown coding before chunked", post("Transfer-Encoding: foo, chunked\r\n", "0\r\n\r\n"), 501),
                Arguments.of("gzip before chunked", post("Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n"), 501),
                // Chunk sizes and extensions
                Arguments.of("non-hex chunk size", post("Transfer-Encoding: chunked\r\n", "zz\r\nhello\r\n0\r\n\r\n"), 400),
                Arguments.of("0x chunk size", post("Transfer-Encoding: chunked\r\n", "0x5\r\nhello\r\n0\r\n\r\n"), 400),
                Arguments.of("negative chunk size", post("Transfer-Encoding: chunked\r\n", "-5\r\nhello\r\n0\r\n\r\n"), 400),
                Arguments.of("space before chunk size", post("Transfer-Encoding: chunked\r\n", " 5\r\nhello\r\n0\r\n\r\n"), 400),
                Arguments.of("junk after chunk size", post("Transfer-Encoding: chunked\r\n", "5 x\r\nhello\r\n0\r\n\r\n"), 400),
                Arguments.of("empty chunk size", post("Transfer-Encoding: chunked\r\n", "\r\nhello\r\n0\r\n\r\n"), 400),
                Arguments.of("overflowing chunk size",
                        post("Transfer-Encoding: chunked\r\n", "fffffffffffffffff\r\nhello\r\n0\r\n\r\n"), 400),
                Arguments.of("chunk extension without name", post("Transfer-Encoding: chunked\r\n", "5;\r\nhello\r\n0\r\n\r\n"), 400),
                Arguments.of("chunk extension with bad value",
                        post("Transfer-Encoding: chunked\r\n", "5;a=\"b\r\nhello\r\n0\r\n\r\n"), 400),
                Arguments.of("whitespace after a chunk extension value",
                        post("Transfer-Encoding: chunked\r\n", "5;a=b ;c\r\nhello\r\n0\r\n\r\n"), 400),
                Arguments.of("chunk extension with control",
                        post("Transfer-Encoding: chunked\r\n", "5;a=b\u0001\r\nhello\r\n0\r\n\r\n"), 400),
                Arguments.of("chunk data longer than its size",
                        post("Transfer-Encoding: chunked\r\n", "5\r\nhello!\r\n0\r\n\r\n"), 400),
                Arguments.of("bare LF after chunk size", post("Transfer-Encoding: chunked\r\n", "5\nhello\r\n0\r\n\r\n"), 400),
                // Field lines
                Arguments.of("obs-fold", get("X-A: a\r\n b\r\n"), 400),
                Arguments.of("obs-fold with tab", get("X-A: a\r\n\tb\r\n"), 400),
                Arguments.of("NUL in value", get("X-A: a\u0000b\r\n"), 400),
                Arguments.of("CR in value", get("X-A: a\rb\r\n"), 400),
                Arguments.of("bare LF ending a field", get("X-A: a\nX-B: b\r\n"), 400),
                Arguments.of("DEL in value", get("X-A: a\u007fb\r\n"), 400),
                Arguments.of("space in field name", get("X A: b\r\n"), 400),
                Arguments.of("space before colon", get("X-A : b\r\n"), 400),
                Arguments.of("empty field name", get(": b\r\n"), 400),
                Arguments.of("separator in field name", get("X(A): b\r\n"), 400),
                Arguments.of("non-ASCII field name", get("X-\u00e4: b\r\n"), 400),
                Arguments.of("line without colon", get("X-A\r\n"), 400),
                // Host
                Arguments.of("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nX-A: b\r\n\r\n", 400),
                Arguments.of("two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
                Arguments.of("Host with a path", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
                Arguments.of("Host with userinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", 400),
                Arguments.of("Host with a bad port", "GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n", 400),
                // Request line and target
                Arguments.of("CONNECT", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 405),
                Arguments.of("absolute-form naming another host",
                        "GET http://elsewhere.example/ HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("authority-form with GET", "GET x:80 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("asterisk-form with GET", "GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("double space in request line", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("trailing space in request line", "GET / HTTP/1.1 \r\nHost: x\r\n\r\n", 400),
                Arguments.of("tab as separator", "GET\t/ HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("fragment in target", "GET /a#b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("control in target", "GET /a\u0001b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("non-ASCII target", "GET /\u00e4 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("bad method token", "G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("malformed version", "GET / HTTP/1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("unknown protocol", "GET / FOO/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("HTTP/2.0 in an HTTP/1 line", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
                Arguments.of("bare LF ending the request line", "GET / HTTP/1.1\nHost: x\r\n\r\n", 400),
                Arguments.of("NUL before the request", "\u0000GET / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                // Limits (defaults: request line 8KB, field 32KB, section 64KB, 100 fields)
                Arguments.of("request line over 8KB", "GET /" + "a".repeat(9 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414),
                Arguments.of("one field over 32KB", get("X-Big: " + "a".repeat(33 * 1024) + "\r\n"), 431),
                Arguments.of("header section over 64KB", get(bigSection.toString()), 431),
                Arguments.of("101 fields", get(manyHeaders.toString()), 431));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("refusedRequests")
    void refusesMalformedRequestBeforeAnythingReachesTheUpstreamAndCloses(String name, String request, int status)
            throws Exception {
        int before = upstream.received().size();
        try (RawHttp http = new RawHttp(port)) {
            http.send(request + SMUGGLED);
            RawHttp.Response response = http.read(false);
            assertThat(response.status()).isEqualTo(status);
            assertThat(response.header("content-type")).isEqualTo("application/json");
            assertThat(response.text()).startsWith("{\"status\":" + status + ",\"error\":\"").endsWith("\"route\":null}");
            assertThat(response.header("connection")).isEqualTo("close");
            if (status == 405) {
                assertThat(response.header("allow")).contains("GET").doesNotContain("CONNECT");
            }
            // Closed: the request pipelined behind it is neither answered nor forwarded.
            assertThat(http.closedByPeer()).isTrue();
        }
        assertThat(upstream.received()).hasSize(before);
    }

    @Test
    void answersTheStatusesWithTheirErrorCodes() throws Exception {
        assertThat(RawHttp.exchange(port, "GET / HTTP/1.1\r\n\r\n").text())
                .isEqualTo("{\"status\":400,\"error\":\"bad_request\",\"route\":null}");
        assertThat(RawHttp.exchange(port, get("X-Big: " + "a".repeat(33 * 1024) + "\r\n")).text())
                .isEqualTo("{\"status\":431,\"error\":\"headers_too_large\",\"route\":null}");
        assertThat(RawHttp.exchange(port, "GET /" + "a".repeat(9 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n").text())
                .isEqualTo("{\"status\":414,\"error\":\"uri_too_long\",\"route\":null}");
        assertThat(RawHttp.exchange(port, post("Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n")).text())
                .isEqualTo("{\"status\":501,\"error\":\"not_implemented\",\"route\":null}");
    }

    @Test
    void acceptsWellFormedEdgeCases() throws Exception {
        // Headers well beyond the 8KB other gateways stop at.
        RawHttp.Response big = RawHttp.exchange(port, get("Cookie: " + "c".repeat(20 * 1024) + "\r\n"));
        assertThat(big.status()).isEqualTo(200);
        assertThat(upstream.last().headers().get("cookie")).hasSize(20 * 1024);
        // HTTP/1.0 needs no Host.
        assertThat(RawHttp.exchange(port, "GET / HTTP/1.0\r\n\r\n").status()).isEqualTo(200);
        // An empty line before the request line is ignored (RFC 9112 §2.2).
        assertThat(RawHttp.exchange(port, "\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n").status()).isEqualTo(200);
        // OPTIONS * is the one asterisk-form.
        assertThat(RawHttp.exchange(port, "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n").status()).isEqualTo(200);
        // Chunk extensions (token and quoted values) and trailers are valid framing.
        RawHttp.Response chunked = RawHttp.exchange(port, post("Transfer-Encoding: chunked\r\n",
                "5 ;a=b; c=\"d e\"\r\nhello\r\n6;x\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"));
        assertThat(chunked.status()).isEqualTo(200);
        assertThat(chunked.text()).isEqualTo("hello world");
        assertThat(upstream.last().headers().contains("content-length")).isFalse();
        // Field values may carry tabs, spaces and obs-text.
        assertThat(RawHttp.exchange(port, get("X-A: a\tb c\u00e9\r\n")).status()).isEqualTo(200);
    }

    @Test
    void keepsPipelinedValidRequestsInOrder() throws Exception {
        try (RawHttp http = new RawHttp(port)) {
            http.send(post("Content-Length: 3\r\n", "one") + post("Transfer-Encoding: chunked\r\n", "3\r\ntwo\r\n0\r\n\r\n")
                    + "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(http.read(false).text()).isEqualTo("one");
            assertThat(http.read(false).text()).isEqualTo("two");
            assertThat(http.read(false).status()).isEqualTo(200);
        }
    }

    @Test
    void answersARefusalOnlyAfterTheResponsesPipelinedBeforeIt() throws Exception {
        try (RawHttp http = new RawHttp(port)) {
            http.send(post("Content-Length: 5\r\n", "first") + "GET / HTTP/1.1\r\nX-A: a\r\n b\r\n\r\n" + SMUGGLED);
            RawHttp.Response first = http.read(false);
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.text()).isEqualTo("first");
            assertThat(http.read(false).status()).isEqualTo(400);
            assertThat(http.closedByPeer()).isTrue();
        }
        assertThat(upstream.received()).noneMatch(r -> r.uri().equals("/smuggled"));
    }

    @Test
    void routesAnAbsoluteFormTargetByItsPathAndNeverToTheHostItNames() throws Exception {
        RawHttp.Response response = RawHttp.exchange(port,
                "GET http://origin.example:81/abs/path?q=1 HTTP/1.1\r\nHost: origin.example:81\r\n\r\n");
        assertThat(response.status()).isEqualTo(200);
        assertThat(upstream.last().uri()).isEqualTo("/abs/path?q=1");
        assertThat(upstream.last().headers().get("host")).isEqualTo("origin.example:81");
        // With preserve-host: false the backend's address goes upstream, not the target's authority.
        RawHttp.exchange(port, "GET http://origin.example/backend-host/x HTTP/1.1\r\nHost: origin.example\r\n\r\n");
        assertThat(upstream.last().uri()).isEqualTo("/backend-host/x");
        assertThat(upstream.last().headers().get("host")).isEqualTo(upstream.address());
    }

    @Test
    void answers413BeforeContactingTheUpstreamWhenTheDeclaredBodyIsTooLarge() throws Exception {
        int before = upstream.received().size();
        try (RawHttp http = new RawHttp(port)) {
            http.send("POST /limited HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n");
            RawHttp.Response response = http.read(false);
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.text()).isEqualTo("{\"status\":413,\"error\":\"body_too_large\",\"route\":\"limited\"}");
            assertThat(response.header("connection")).isEqualTo("close");
        }
        assertThat(upstream.received()).hasSize(before);
    }

    @Test
    void cutsOffAStreamedBodyThatGrowsPastTheLimitWith413() throws Exception {
        String chunk = "200\r\n" + "b".repeat(512) + "\r\n";
        try (RawHttp http = new RawHttp(port)) {
            http.send("POST /limited HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk + chunk);
            RawHttp.Response response = http.read(false);
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.text()).isEqualTo("{\"status\":413,\"error\":\"body_too_large\",\"route\":\"limited\"}");
            assertThat(http.closedByPeer()).isTrue();
        }
        // Within the limit, streamed or declared, it goes through.
        assertThat(RawHttp.exchange(port, "POST /limited HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunk + chunk + "0\r\n\r\n").text()).isEqualTo("got 1024");
        assertThat(RawHttp.exchange(port, "POST /limited HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\n\r\n"
                + "c".repeat(1024)).text()).isEqualTo("got 1024");
    }

    @Test
    void answers408ToAClientThatTricklesItsHeaders() throws Exception {
        try (RawHttp http = new RawHttp(port)) {
            long start = System.nanoTime();
            http.send("GET / HTTP/1.1\r\nHost: x\r\n");
            // Still sending, slowly, but never finishing the header section.
            http.send("X-Slow: 1\r\n");
            RawHttp.Response response = http.read(false);
            assertThat(response.status()).isEqualTo(408);
            assertThat(response.text()).isEqualTo("{\"status\":408,\"error\":\"request_timeout\",\"route\":null}");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(http.closedByPeer()).isTrue();
        }
    }

    @Test
    void closesAConnectionThatSendsNothingWithoutAnAnswer() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void closesAKeepAliveConnectionIdleLongerThanTheIdleTimeout() throws Exception {
        try (RawHttp http = new RawHttp(port)) {
            http.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(http.read(false).status()).isEqualTo(200);
            long start = System.nanoTime();
            assertThat(http.closedByPeer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(5));
        }
    }

    @Test
    void refusesConnectionsBeyondMaxConnectionsQuicklyAndCountsThem() throws Exception {
        MeterRegistry registry = gateway.bean(MeterRegistry.class);
        List<RawHttp> open = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                RawHttp http = new RawHttp(capped);
                http.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(http.read(false).status()).isEqualTo(200);
                open.add(http);
            }
            try (Socket third = new Socket("127.0.0.1", capped)) {
                third.setSoTimeout(5_000);
                long start = System.nanoTime();
                assertThat(readsEofOrReset(third)).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            }
            assertThat(registry.get("loopgate.listener.connections.rejected").tag("listener", "capped").counter().count())
                    .isEqualTo(1.0);
        }
        finally {
            for (RawHttp http : open) {
                http.close();
            }
        }
        // Once the others closed, a new connection is served again.
        Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> RawHttp.get(capped, "/").status() == 200);
    }

    private static boolean readsEofOrReset(Socket socket) throws IOException {
        try {
            InputStream in = socket.getInputStream();
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return in.read() == -1;
        }
        catch (SocketException e) {
            return true;
        }
    }
}
