package io.loopgate.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopgate.testing.Gateway;
import io.loopgate.testing.RawHttp;
import io.loopgate.testing.TestUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Hop-by-hop removal both ways, X-Forwarded-* rules, and no invented content-length. */
class HttpHeadersIntegrationTest {

    static TestUpstream upstream;
    static Gateway gateway;
    static int untrusted;
    static int trusted;

    @BeforeAll
    static void start() {
        upstream = TestUpstream.start((req, res) -> req.uri().startsWith("/status/")
                ? res.status(Integer.parseInt(req.uri().substring(8))).send()
                : res
                .header("Connection", "keep-alive, X-Upstream-Hop")
                .header("X-Upstream-Hop", "1")
                .header("Keep-Alive", "timeout=5")
                .header("Proxy-Authenticate", "Basic")
                .header("Trailer", "x-t")
                .header("Upgrade", "h2c")
                .header("X-End-To-End", "kept")
                .send(req.receive().retain()));
        gateway = Gateway.start(
                "loopgate.listeners.web.protocol", "http",
                "loopgate.listeners.web.port", "0",
                "loopgate.listeners.edge.protocol", "http",
                "loopgate.listeners.edge.port", "0",
                "loopgate.listeners.edge.trusted-proxies[0]", "127.0.0.0/8",
                "loopgate.upstreams.up.backends[0]", upstream.address(),
                "loopgate.routes[0].id", "web",
                "loopgate.routes[0].listener", "web",
                "loopgate.routes[0].upstream", "up",
                "loopgate.routes[1].id", "edge",
                "loopgate.routes[1].listener", "edge",
                "loopgate.routes[1].upstream", "up");
        untrusted = gateway.port("web");
        trusted = gateway.port("edge");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void removesHopByHopRequestHeadersAndThoseNamedInConnection() throws Exception {
        RawHttp.get(untrusted, "/", "Connection: keep-alive, X-Drop-Me", "X-Drop-Me: 1", "Keep-Alive: timeout=5",
                "TE: trailers", "Trailer: x", "Upgrade: websocket", "Proxy-Authorization: Basic eA==",
                "Proxy-Connection: keep-alive", "X-Keep-Me: 1");
        var headers = upstream.last().headers();
        assertThat(headers.contains("x-keep-me")).isTrue();
        for (String gone : new String[] {"x-drop-me", "keep-alive", "te", "trailer", "upgrade", "proxy-authorization",
                "proxy-connection"}) {
            assertThat(headers.contains(gone)).as(gone).isFalse();
        }
        // The gateway's own connection header (if any) is not the client's.
        assertThat(headers.get("connection")).isNotEqualTo("keep-alive, X-Drop-Me");
    }

    @Test
    void removesHopByHopResponseHeaders() throws Exception {
        RawHttp.Response response = RawHttp.get(untrusted, "/");
        assertThat(response.header("x-end-to-end")).isEqualTo("kept");
        for (String gone : new String[] {"x-upstream-hop", "keep-alive", "proxy-authenticate", "trailer", "upgrade"}) {
            assertThat(response.has(gone)).as(gone).isFalse();
        }
    }

    @Test
    void replacesForwardedHeadersFromAnUntrustedPeer() throws Exception {
        RawHttp.get(untrusted, "/", "Host: shop.example", "X-Forwarded-For: 6.6.6.6",
                "X-Forwarded-Proto: https", "X-Forwarded-Host: evil.example");
        var headers = upstream.last().headers();
        assertThat(headers.getAll("x-forwarded-for")).containsExactly("127.0.0.1");
        assertThat(headers.get("x-forwarded-proto")).isEqualTo("http");
        assertThat(headers.get("x-forwarded-host")).isEqualTo("shop.example");
    }

    @Test
    void extendsForwardedHeadersFromATrustedPeer() throws Exception {
        RawHttp.get(trusted, "/", "Host: shop.example", "X-Forwarded-For: 203.0.113.9",
                "X-Forwarded-Proto: https", "X-Forwarded-Host: www.example");
        var headers = upstream.last().headers();
        assertThat(headers.get("x-forwarded-for")).isEqualTo("203.0.113.9, 127.0.0.1");
        assertThat(headers.get("x-forwarded-proto")).isEqualTo("https");
        assertThat(headers.get("x-forwarded-host")).isEqualTo("www.example");
    }

    @Test
    void setsForwardedHeadersWhenAbsentEvenFromATrustedPeer() throws Exception {
        RawHttp.get(trusted, "/", "Host: shop.example");
        var headers = upstream.last().headers();
        assertThat(headers.get("x-forwarded-for")).isEqualTo("127.0.0.1");
        assertThat(headers.get("x-forwarded-proto")).isEqualTo("http");
        assertThat(headers.get("x-forwarded-host")).isEqualTo("shop.example");
    }

    @Test
    void bodylessRequestGainsNoContentLengthNorTransferEncoding() throws Exception {
        RawHttp.get(untrusted, "/");
        var headers = upstream.last().headers();
        assertThat(headers.contains("content-length")).isFalse();
        assertThat(headers.contains("transfer-encoding")).isFalse();
        assertThat(headers.contains("user-agent")).isFalse();
    }

    @Test
    void fixedLengthAndChunkedBodiesPassThrough() throws Exception {
        RawHttp.Response fixed = RawHttp.exchange(untrusted,
                "PUT /f HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(fixed.text()).isEqualTo("hello");
        assertThat(upstream.last().headers().get("content-length")).isEqualTo("5");
        RawHttp.Response chunked = RawHttp.exchange(untrusted,
                "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");
        assertThat(chunked.text()).isEqualTo("abcdefg");
        assertThat(upstream.last().headers().get("transfer-encoding")).isEqualTo("chunked");
        assertThat(upstream.last().headers().contains("content-length")).isFalse();
    }

    @Test
    void relaysStatusesHeadAndEmptyBodies() throws Exception {
        RawHttp.Response teapot = RawHttp.get(untrusted, "/status/418");
        assertThat(teapot.status()).isEqualTo(418);
        RawHttp.Response noContent = RawHttp.get(untrusted, "/status/204");
        assertThat(noContent.status()).isEqualTo(204);
        assertThat(noContent.has("transfer-encoding")).isFalse();
        RawHttp.Response head = RawHttp.exchange(untrusted, "HEAD /status/200 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(head.status()).isEqualTo(200);
        // The connection stays usable after a 204 and a HEAD: framing was right.
        try (RawHttp http = new RawHttp(untrusted)) {
            http.send("GET /status/204 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(http.read(false).status()).isEqualTo(204);
            http.send("HEAD /status/200 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(http.read(true).status()).isEqualTo(200);
            http.send("PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok");
            assertThat(http.read(false).text()).isEqualTo("ok");
        }
    }

    static Mono<Void> none() {
        return Mono.empty();
    }
}
