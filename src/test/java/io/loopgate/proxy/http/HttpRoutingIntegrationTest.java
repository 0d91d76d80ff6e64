package io.loopgate.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopgate.testing.Gateway;
import io.loopgate.testing.RawHttp;
import io.loopgate.testing.TestUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Routes matched in order by host, path, method and headers; rewrites and header edits per route. */
class HttpRoutingIntegrationTest {

    static TestUpstream a;
    static TestUpstream b;
    static TestUpstream c;
    static Gateway gateway;
    static int port;

    @BeforeAll
    static void start() {
        a = TestUpstream.start((req, res) -> res.header("x-from", "a").header("x-secret", "s")
                .sendString(Mono.just("a")));
        b = TestUpstream.start((req, res) -> res.header("x-from", "b").sendString(Mono.just("b")));
        c = TestUpstream.start((req, res) -> res.header("x-from", "c").sendString(Mono.just("c")));
        gateway = Gateway.start(
                "loopgate.listeners.web.protocol", "http",
                "loopgate.listeners.web.port", "0",
                "loopgate.upstreams.a.backends[0]", a.address(),
                "loopgate.upstreams.b.backends[0]", b.address(),
                "loopgate.upstreams.c.backends[0]", c.address(),
                "loopgate.routes[0].id", "exact-host",
                "loopgate.routes[0].listener", "web",
                "loopgate.routes[0].host", "api.example.com",
                "loopgate.routes[0].upstream", "b",
                "loopgate.routes[1].id", "wildcard-host",
                "loopgate.routes[1].listener", "web",
                "loopgate.routes[1].host", "*.example.org",
                "loopgate.routes[1].upstream", "c",
                "loopgate.routes[2].id", "header",
                "loopgate.routes[2].listener", "web",
                "loopgate.routes[2].headers.x-canary", "yes",
                "loopgate.routes[2].upstream", "c",
                "loopgate.routes[3].id", "post-only",
                "loopgate.routes[3].listener", "web",
                "loopgate.routes[3].path", "/write/**",
                "loopgate.routes[3].methods[0]", "POST",
                "loopgate.routes[3].upstream", "b",
                "loopgate.routes[4].id", "api",
                "loopgate.routes[4].listener", "web",
                "loopgate.routes[4].path", "/api/**",
                "loopgate.routes[4].strip-prefix", "1",
                "loopgate.routes[4].preserve-host", "false",
                "loopgate.routes[4].request-headers.add.x-added", "1",
                "loopgate.routes[4].request-headers.remove[0]", "x-remove-me",
                "loopgate.routes[4].response-headers.add.x-gateway", "loopgate",
                "loopgate.routes[4].response-headers.remove[0]", "x-secret",
                "loopgate.routes[4].upstream", "a",
                "loopgate.routes[5].id", "api-shadowed",
                "loopgate.routes[5].listener", "web",
                "loopgate.routes[5].path", "/api/v1/**",
                "loopgate.routes[5].upstream", "b",
                "loopgate.routes[6].id", "static",
                "loopgate.routes[6].listener", "web",
                "loopgate.routes[6].path", "/static/*.css",
                "loopgate.routes[6].upstream", "a");
        port = gateway.port("web");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        a.close();
        b.close();
        c.close();
    }

    @Test
    void routesByExactHostIgnoringPortAndCase() throws Exception {
        assertThat(RawHttp.get(port, "/x", "Host: API.example.com:8080").header("x-from")).isEqualTo("b");
    }

    @Test
    void routesByHostSuffixButNotTheBareDomain() throws Exception {
        assertThat(RawHttp.get(port, "/x", "Host: shop.example.org").header("x-from")).isEqualTo("c");
        assertThat(RawHttp.get(port, "/x", "Host: example.org").status()).isEqualTo(404);
    }

    @Test
    void routesByExactHeaderValue() throws Exception {
        assertThat(RawHttp.get(port, "/x", "X-Canary: yes").header("x-from")).isEqualTo("c");
        assertThat(RawHttp.get(port, "/x", "X-Canary: no").status()).isEqualTo(404);
    }

    @Test
    void routesByMethod() throws Exception {
        RawHttp.Response post = RawHttp.exchange(port,
                "POST /write/1 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nhi");
        assertThat(post.header("x-from")).isEqualTo("b");
        assertThat(RawHttp.get(port, "/write/1").status()).isEqualTo(404);
    }

    @Test
    void routesByAntPathAndFirstMatchWins() throws Exception {
        assertThat(RawHttp.get(port, "/api/v1/users").header("x-from")).isEqualTo("a");
        assertThat(RawHttp.get(port, "/static/site.css").header("x-from")).isEqualTo("a");
        assertThat(RawHttp.get(port, "/static/deep/site.css").status()).isEqualTo(404);
    }

    @Test
    void answersNoRouteWithJson() throws Exception {
        RawHttp.Response response = RawHttp.get(port, "/nowhere");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.header("content-type")).isEqualTo("application/json");
        assertThat(response.text()).isEqualTo("{\"status\":404,\"error\":\"no_route\",\"route\":null}");
    }

    @Test
    void stripsPrefixKeepsQueryAndRewritesHostWhenNotPreserved() throws Exception {
        RawHttp.get(port, "/api/v1/users?id=7&x=%20", "Host: public.example", "X-Remove-Me: 1");
        TestUpstream.Received received = a.last();
        assertThat(received.uri()).isEqualTo("/v1/users?id=7&x=%20");
        assertThat(received.headers().get("host")).isEqualTo(a.address());
        assertThat(received.headers().get("x-forwarded-host")).isEqualTo("public.example");
        assertThat(received.headers().get("x-added")).isEqualTo("1");
        assertThat(received.headers().contains("x-remove-me")).isFalse();
    }

    @Test
    void editsResponseHeadersPerRoute() throws Exception {
        RawHttp.Response response = RawHttp.get(port, "/api/x");
        assertThat(response.header("x-gateway")).isEqualTo("loopgate");
        assertThat(response.has("x-secret")).isFalse();
        assertThat(response.header("x-from")).isEqualTo("a");
    }

    @Test
    void preservesTheClientHostByDefault() throws Exception {
        RawHttp.get(port, "/x", "Host: api.example.com");
        assertThat(b.last().headers().get("host")).isEqualTo("api.example.com");
    }
}
