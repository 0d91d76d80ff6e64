package io.loopgate.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopgate.testing.Gateway;
import io.loopgate.testing.RawHttp;
import io.loopgate.testing.TestUpstream;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Loop counts and names, listeners on their own group, and upstream connections colocated with inbound ones. */
class LoopGroupIntegrationTest {

    static TestUpstream upstream;
    static Gateway gateway;

    @BeforeAll
    static void start() {
        upstream = TestUpstream.start((req, res) -> res.sendString(Mono.just("ok")));
        gateway = Gateway.start(
                "loopgate.loop-groups.main.threads", "3",
                "loopgate.loop-groups.main.acceptor-threads", "1",
                "loopgate.loop-groups.edge.threads", "2",
                "loopgate.loop-groups.edge.trigger-mode", "level",
                "loopgate.loop-groups.edge.max-events-per-wait", "64",
                "loopgate.loop-groups.edge.io-ratio", "80",
                "loopgate.listeners.web.protocol", "http",
                "loopgate.listeners.web.port", "0",
                "loopgate.listeners.other.protocol", "http",
                "loopgate.listeners.other.port", "0",
                "loopgate.listeners.other.loop-group", "edge",
                "loopgate.upstreams.up.backends[0]", upstream.address(),
                "loopgate.routes[0].id", "web", "loopgate.routes[0].listener", "web",
                "loopgate.routes[0].upstream", "up",
                "loopgate.routes[1].id", "other", "loopgate.routes[1].listener", "other",
                "loopgate.routes[1].upstream", "up");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static List<String> threads(String regex) {
        Pattern pattern = Pattern.compile(regex);
        List<String> names = new ArrayList<>();
        Thread.getAllStackTraces().keySet().forEach(t -> {
            if (pattern.matcher(t.getName()).matches()) {
                names.add(t.getName());
            }
        });
        names.sort(null);
        return names;
    }

    /** Channels registered on the group's I/O loops (what loopgate_loop_channels publishes). */
    static int channels(LoopGroup group) {
        return group.loopStats().stream().limit(group.threads()).mapToInt(LoopStats::channels).sum();
    }

    @Test
    void createsExactlyTheConfiguredLoopsWithTheirNames() {
        assertThat(threads("loopgate-main-\\d+")).containsExactly("loopgate-main-0", "loopgate-main-1", "loopgate-main-2");
        assertThat(threads("loopgate-edge-\\d+")).containsExactly("loopgate-edge-0", "loopgate-edge-1");
        assertThat(gateway.bean(LoopGroups.class).get("main").loopNames())
                .containsExactly("loopgate-main-0", "loopgate-main-1", "loopgate-main-2", "loopgate-main-accept-0");
        // The accept loop starts with the first listener bound on it.
        assertThat(threads("loopgate-main-accept-\\d+")).containsExactly("loopgate-main-accept-0");
        assertThat(threads("loopgate-edge-accept-\\d+")).isEmpty();
    }

    @Test
    void eachListenerRunsOnItsOwnGroup() throws Exception {
        LoopGroup edge = gateway.bean(LoopGroups.class).get("edge");
        int before = channels(edge);
        try (RawHttp http = new RawHttp(gateway.port("other"))) {
            http.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(http.read(false).text()).isEqualTo("ok");
            // The accepted connection and its upstream connection are both on the edge group.
            assertThat(channels(edge)).isEqualTo(before + 2);
        }
    }

    @Test
    void upstreamConnectionsStayOnTheInboundLoop() throws Exception {
        MeterRegistry registry = gateway.bean(MeterRegistry.class);
        List<RawHttp> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 9; i++) {
                clients.add(new RawHttp(gateway.port("web")));
            }
            for (int round = 0; round < 5; round++) {
                for (RawHttp client : clients) {
                    client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertThat(client.read(false).text()).isEqualTo("ok");
                }
            }
        }
        finally {
            for (RawHttp client : clients) {
                client.close();
            }
        }
        double crossLoop = registry.find("loopgate.upstream.cross.loop").counters().stream()
                .mapToDouble(c -> c.count()).sum();
        assertThat(crossLoop).isZero();
        // Connections were opened from more than one loop, each into that loop's own pool.
        long poolsUsed = Metrics.globalRegistry.find("reactor.netty.connection.provider.total.connections")
                .gauges().stream()
                .filter(g -> g.getId().getTag("name").startsWith("up@loopgate-main-") && g.value() > 0).count();
        assertThat(poolsUsed).isGreaterThan(1);
    }
}
