package io.loopgate.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopgate.testing.Gateway;
import io.loopgate.testing.RawHttp;
import io.loopgate.testing.TestUpstream;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;

/** A client that leaves before its response is a client failure (499), not a gateway error. */
class ClientGoneIntegrationTest {

    @Test
    void recordsA499WhenTheClientLeavesBeforeTheResponse() throws Exception {
        Sinks.One<String> release = Sinks.one();
        try (TestUpstream upstream = TestUpstream.start((req, res) -> res.sendString(release.asMono()));
                Gateway gateway = Gateway.start(
                        "loopgate.loop-groups.main.threads", "1",
                        "loopgate.listeners.web.protocol", "http", "loopgate.listeners.web.port", "0",
                        "loopgate.upstreams.up.backends[0]", upstream.address(),
                        "loopgate.routes[0].id", "slow", "loopgate.routes[0].listener", "web",
                        "loopgate.routes[0].upstream", "up")) {
            try (RawHttp client = new RawHttp(gateway.port("web"))) {
                client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> upstream.received().size() == 1);
            }
            release.tryEmitValue("too late");
            MeterRegistry registry = gateway.bean(MeterRegistry.class);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                    registry.find("loopgate.http.requests").tag("route", "slow").timer() != null);
            assertThat(registry.find("loopgate.http.requests").tag("route", "slow").timers())
                    .singleElement().satisfies(t -> {
                        assertThat(t.getId().getTag("status")).isEqualTo("499");
                        assertThat(t.getId().getTag("outcome")).isEqualTo("CLIENT_ERROR");
                    });
            // The gateway keeps serving.
            release.tryEmitValue("ignored");
        }
    }
}
