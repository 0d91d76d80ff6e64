package io.loopgate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopgate.loop.LoopFixtures;
import io.loopgate.testing.Gateway;
import io.loopgate.testing.RawHttp;
import io.loopgate.testing.TestUpstream;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LoopMetricsIntegrationTest {

    private static TestUpstream upstream;
    private static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = TestUpstream.start((req, res) -> res.sendString(LoopFixtures.ok()));
        gateway = Gateway.start(LoopFixtures.proxyTo(upstream.address(),
                "loopgate.loop-groups.main.threads", "2",
                "loopgate.loop-groups.side.transport", "nio",
                "loopgate.loop-groups.side.threads", "1"));
        for (int i = 0; i < 20; i++) {
            assertThat(RawHttp.get(gateway.port("web"), "/x").status()).isEqualTo(200);
        }
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void registersEveryLoopMeterWithTheCatalogTags() {
        MeterRegistry registry = gateway.bean(MeterRegistry.class);
        FunctionCounter iterations = registry.get("loopgate.loop.iterations")
                .tags("group", "main", "loop", "loopgate-main-0", "transport", "epoll", "trigger_mode", "edge")
                .functionCounter();
        assertThat(iterations.count()).isPositive();
        assertThat(registry.get("loopgate.loop.wakeups").tags("loop", "loopgate-main-1").functionCounter()).isNotNull();
        assertThat(registry.get("loopgate.loop.context.switches").tags("loop", "loopgate-main-0", "kind", "voluntary")
                .functionCounter().count()).isPositive();
        assertThat(registry.get("loopgate.loop.instrumented").tags("group", "main").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("loopgate.loop.instrumented").tags("group", "side", "transport", "nio",
                "trigger_mode", "none").gauge().value()).isZero();
        // nio: only the exact meters
        assertThat(registry.find("loopgate.loop.iterations").tags("group", "side").functionCounter()).isNotNull();
        assertThat(registry.find("loopgate.loop.wakeups").tags("group", "side").functionCounter()).isNull();
        assertThat(registry.find("loopgate.loop.busy").tags("group", "side").functionCounter()).isNull();
        for (LoopMeters meter : LoopMeters.values()) {
            assertThat(registry.find(meter.meterName()).meters())
                    .as(meter.meterName())
                    .allSatisfy(m -> assertThat(m.getId().getDescription()).isEqualTo(meter.description()));
        }
    }

    @Test
    void scrapeHasTheDesignSeriesAndPassesPromtool() throws Exception {
        String scrape = LoopFixtures.get(gateway.managementPort(), "/actuator/prometheus");
        String loop = "loop=\"loopgate-main-0\"";
        assertThat(scrape)
                .contains("# TYPE loopgate_loop_epoll_wait_seconds histogram")
                .containsPattern("loopgate_loop_epoll_wait_seconds_bucket\\{[^}]*kind=\"blocking\"[^}]*le=\"1\\.0E-5\"")
                .containsPattern("loopgate_loop_epoll_wait_seconds_bucket\\{[^}]*le=\"\\+Inf\"")
                .containsPattern("loopgate_loop_epoll_wait_seconds_count\\{[^}]*kind=\"immediate\"")
                .containsPattern("loopgate_loop_epoll_wait_seconds_sum\\{[^}]*kind=\"busy\"")
                .containsPattern("loopgate_loop_epoll_wait_seconds_max\\{")
                .contains("# TYPE loopgate_loop_epoll_ready_events histogram")
                .containsPattern("loopgate_loop_epoll_ready_events_bucket\\{[^}]*le=\"1024\\.0\"")
                .containsPattern("loopgate_loop_epoll_ready_events_(count|sum|max)\\{")
                .containsPattern("loopgate_loop_wakeups_total\\{[^}]*" + loop)
                .containsPattern("loopgate_loop_iterations_total\\{")
                .containsPattern("loopgate_loop_tasks_total\\{")
                .containsPattern("loopgate_loop_tasks_pending\\{")
                .containsPattern("loopgate_loop_busy_seconds_total\\{")
                .containsPattern("loopgate_loop_channels\\{")
                .containsPattern("loopgate_loop_context_switches_total\\{[^}]*kind=\"involuntary\"")
                .containsPattern("loopgate_loop_instrumented\\{[^}]*group=\"main\"[^}]*\\} 1\\.0");
        // Every histogram series carries the same labels as the Micrometer meters, common tags included.
        assertThat(scrape).containsPattern("loopgate_loop_epoll_wait_seconds_count\\{application=\"loopgate\",group=\"main\"");

        // The whole scrape, other libraries' meters included, is clean.
        Promtool whole = promtool(scrape);
        assertThat(whole.exitCode()).as(whole.output()).isZero();
        // The per-loop families alone: clean.
        String loopFamilies = scrape.lines()
                .filter(l -> l.replaceFirst("^# (HELP|TYPE) ", "").startsWith("loopgate_loop_"))
                .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
        Promtool loops = promtool(loopFamilies);
        assertThat(loops.exitCode()).as(loops.output()).isZero();
    }

    private record Promtool(int exitCode, String output) {
    }

    private static Promtool promtool(String exposition) throws Exception {
        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        promtool.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        promtool.getOutputStream().close();
        String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Promtool(promtool.exitValue(), output);
    }
}
