package io.loopgate.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loopgate.loop.LoopFixtures;
import io.loopgate.loop.LoopGroups;
import io.loopgate.loop.LoopStats;
import io.loopgate.loop.WaitKind;
import io.loopgate.testing.Gateway;
import io.loopgate.testing.RawHttp;
import io.loopgate.testing.TestUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** One loop, idle and then under proxy load, seen through LoopStats and /actuator/loops. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoopsEndpointIntegrationTest {

    private static TestUpstream upstream;
    private static Gateway gateway;
    private static LoopStats loop;

    @BeforeAll
    static void start() {
        upstream = TestUpstream.start((req, res) -> res.sendString(LoopFixtures.ok()));
        gateway = Gateway.start(LoopFixtures.proxyTo(upstream.address(), "loopgate.loop-groups.main.threads", "1"));
        loop = gateway.bean(LoopGroups.class).get("main").loopStats().get(0);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static JsonNode loops() throws Exception {
        return new ObjectMapper().readTree(LoopFixtures.get(gateway.managementPort(), "/actuator/loops"));
    }

    @Test
    @Order(1)
    void idleLoopBlocksInFewLongWaitsAndIsNotBusy() throws Exception {
        await().atMost(Duration.ofSeconds(5)).until(() -> loop.blockedNow() && loop.pendingTasks() == 0);
        long waits = loop.waits();
        long busy = loop.busyNanos();
        long start = System.nanoTime();
        // Measuring an idle second: the loop must sleep through it.
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> true);
        long elapsed = System.nanoTime() - start;
        assertThat(loop.waits() - waits).isLessThanOrEqualTo(3);
        assertThat((double) (loop.busyNanos() - busy) / elapsed).isLessThan(0.02);
        assertThat(loop.blockedNow()).isTrue();

        JsonNode main = loops().get("groups").get(0);
        assertThat(main.get("name").asText()).isEqualTo("main");
        assertThat(main.get("instrumented").asBoolean()).isTrue();
        assertThat(main.get("settings").get("transport").asText()).isEqualTo("epoll");
        assertThat(main.get("settings").get("triggerMode").asText()).isEqualTo("edge");
        assertThat(main.get("settings").get("threads").asInt()).isEqualTo(1);
        JsonNode l = main.get("loops").get(0);
        assertThat(l.get("name").asText()).isEqualTo("loopgate-main-0");
        assertThat(l.get("waits").get("blocking").asLong()).isPositive();
        assertThat(l.get("blockedSeconds").asDouble()).isPositive();
        assertThat(l.has("readyEventsPerWait")).isTrue();
        assertThat(l.has("wakeups")).isTrue();
        assertThat(l.get("channels").asInt()).isGreaterThanOrEqualTo(1); // the listening socket
        assertThat(l.get("pendingTasks").asInt()).isZero();
        assertThat(l.get("utilization").has("last10s")).isTrue();
        assertThat(l.get("utilization").has("last1m")).isTrue();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(loops().at("/groups/0/loops/0/utilization/last10s").asDouble()).isLessThan(0.05));
    }

    @Test
    @Order(2)
    void loopUnderProxyLoadReturnsReadyEventsAndGetsBusy() throws Exception {
        long ready = loop.readyEvents();
        long waits = loop.waits();
        long busy = loop.busyNanos();
        long start = System.nanoTime();
        int port = gateway.port("web");
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                done.add(clients.submit(() -> {
                    int ok = 0;
                    try (RawHttp http = new RawHttp(port)) {
                        for (int i = 0; i < 400; i++) {
                            http.send("GET /load HTTP/1.1\r\nHost: x\r\n\r\n");
                            ok += http.read(false).status() == 200 ? 1 : 0;
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> f : done) {
                assertThat(f.get()).isEqualTo(400);
            }
        }
        finally {
            clients.shutdownNow();
        }
        double utilization = (double) (loop.busyNanos() - busy) / (System.nanoTime() - start);
        assertThat(loop.readyEvents() - ready).isGreaterThan(1600);
        assertThat(loop.waits() - waits).isGreaterThan(100);
        assertThat(utilization).isGreaterThan(0.05);
        assertThat(loops().at("/groups/0/loops/0/utilization/last10s").asDouble()).isGreaterThan(0.02);
        assertThat(loops().at("/groups/0/loops/0/readyEventsPerWait").asDouble()).isPositive();
    }
}
