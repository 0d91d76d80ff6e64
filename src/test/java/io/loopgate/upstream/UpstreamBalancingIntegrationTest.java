package io.loopgate.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopgate.testing.Gateway;
import io.loopgate.testing.RawHttp;
import io.loopgate.testing.TestUpstream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class UpstreamBalancingIntegrationTest {

    @Test
    void spreadsRequestsOverBackendsRoundRobin() throws Exception {
        try (TestUpstream a = TestUpstream.start((req, res) -> res.sendString(Mono.just("a")));
                TestUpstream b = TestUpstream.start((req, res) -> res.sendString(Mono.just("b")));
                Gateway gateway = Gateway.start(
                        "loopgate.loop-groups.main.threads", "1",
                        "loopgate.listeners.web.protocol", "http", "loopgate.listeners.web.port", "0",
                        "loopgate.upstreams.up.backends[0]", a.address(),
                        "loopgate.upstreams.up.backends[1]", b.address(),
                        "loopgate.routes[0].id", "all", "loopgate.routes[0].listener", "web",
                        "loopgate.routes[0].upstream", "up")) {
            StringBuilder seen = new StringBuilder();
            try (RawHttp http = new RawHttp(gateway.port("web"))) {
                for (int i = 0; i < 6; i++) {
                    http.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                    seen.append(http.read(false).text());
                }
            }
            assertThat(seen.toString()).isIn("ababab", "bababa");
            assertThat(a.received()).hasSize(3);
            assertThat(b.received()).hasSize(3);
        }
    }
}
