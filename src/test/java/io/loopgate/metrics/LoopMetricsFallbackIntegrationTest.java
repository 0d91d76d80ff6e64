package io.loopgate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopgate.loop.LoopFixtures;
import io.loopgate.testing.GatewayProcess;
import io.loopgate.testing.RawHttp;
import io.loopgate.testing.TestUpstream;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Without the agent the gateway still starts and proxies, says so once, reports instrumented 0 and publishes
 * only the meters that stay exact; never an estimate under an exact meter's name.
 */
class LoopMetricsFallbackIntegrationTest {

    @ParameterizedTest
    @CsvSource({
        "-XX:+DisableAttachMechanism, WARN, Event-loop instrumentation unavailable",
        "-Dloopgate.instrumentation=off, INFO, Event-loop instrumentation disabled"})
    void startsWithoutTheAgentAndPublishesOnlyExactMeters(String jvmFlag, String level, String message)
            throws Exception {
        try (TestUpstream upstream = TestUpstream.start((req, res) -> res.sendString(LoopFixtures.ok()));
                GatewayProcess gateway = GatewayProcess.start(List.of(), List.of(jvmFlag),
                        LoopFixtures.proxyTo(upstream.address(), "loopgate.loop-groups.main.threads", "1"))) {
            int port = gateway.awaitListener("web");
            assertThat(RawHttp.get(port, "/").status()).isEqualTo(200);
            assertThat(gateway.output().lines().filter(l -> l.contains(message)).toList())
                    .singleElement().asString().contains(level);

            String scrape = LoopFixtures.get(gateway.managementPort(), "/actuator/prometheus");
            assertThat(scrape)
                    .containsPattern("loopgate_loop_instrumented\\{[^}]*group=\"main\"[^}]*\\} 0\\.0")
                    .containsPattern("loopgate_loop_iterations_total\\{[^}]*loop=\"loopgate-main-0\"")
                    .containsPattern("loopgate_loop_channels\\{")
                    .containsPattern("loopgate_loop_tasks_pending\\{")
                    .containsPattern("loopgate_loop_context_switches_total\\{")
                    .doesNotContain("loopgate_loop_epoll_wait_seconds")
                    .doesNotContain("loopgate_loop_epoll_ready_events")
                    .doesNotContain("loopgate_loop_wakeups_total")
                    .doesNotContain("loopgate_loop_busy_seconds_total")
                    .doesNotContain("loopgate_loop_tasks_total");
            String loops = LoopFixtures.get(gateway.managementPort(), "/actuator/loops");
            assertThat(loops).contains("\"instrumented\":false").doesNotContain("\"waits\"")
                    .doesNotContain("\"utilization\"");
        }
    }
}
