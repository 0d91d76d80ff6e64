package io.loopgate.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopgate.testing.Gateway;
import io.loopgate.testing.GatewayProcess;
import io.loopgate.testing.RawHttp;
import io.loopgate.testing.TestUpstream;
import io.netty.channel.epoll.EpollEventLoop;
import io.netty.channel.nio.NioEventLoop;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** io-ratio, max-events-per-wait, wait-strategy and transport take effect on the real loops. */
class LoopSettingsIntegrationTest {

    static String[] base(TestUpstream upstream, String... extra) {
        List<String> props = new java.util.ArrayList<>(List.of(
                "loopgate.listeners.web.protocol", "http", "loopgate.listeners.web.port", "0",
                "loopgate.upstreams.up.backends[0]", upstream.address(),
                "loopgate.routes[0].id", "all", "loopgate.routes[0].listener", "web",
                "loopgate.routes[0].upstream", "up"));
        props.addAll(List.of(extra));
        return props.toArray(String[]::new);
    }

    @Test
    void appliesIoRatioToEveryLoopOfTheGroup() {
        try (TestUpstream upstream = TestUpstream.start((req, res) -> res.sendString(Mono.just("ok")));
                Gateway gateway = Gateway.start(base(upstream, "loopgate.loop-groups.main.threads", "2",
                        "loopgate.loop-groups.main.io-ratio", "80"))) {
            LoopGroup group = gateway.bean(LoopGroups.class).get("main");
            assertThat(group.workerLoops()).hasSize(2)
                    .allSatisfy(loop -> assertThat(((EpollEventLoop) loop).getIoRatio()).isEqualTo(80));
        }
    }

    @Test
    void runsOnNioWhenAskedTo() throws Exception {
        try (TestUpstream upstream = TestUpstream.start((req, res) -> res.sendString(Mono.just("ok")));
                Gateway gateway = Gateway.start(base(upstream, "loopgate.loop-groups.main.transport", "nio",
                        "loopgate.loop-groups.main.threads", "1", "loopgate.loop-groups.main.io-ratio", "70"))) {
            LoopGroup group = gateway.bean(LoopGroups.class).get("main");
            assertThat(group.workerLoops()).singleElement().isInstanceOf(NioEventLoop.class);
            assertThat(((NioEventLoop) group.workerLoops().get(0)).getIoRatio()).isEqualTo(70);
            assertThat(RawHttp.get(gateway.port("web"), "/").text()).isEqualTo("ok");
        }
    }

    @Test
    void busyPollNeverSleepsWhileBlockDoes() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (String strategy : new String[] {"busy-poll", "block"}) {
            try (TestUpstream upstream = TestUpstream.start((req, res) -> res.sendString(Mono.just("ok")));
                    Gateway gateway = Gateway.start(base(upstream, "loopgate.loop-groups.main.threads", "1",
                            "loopgate.loop-groups.main.wait-strategy", strategy))) {
                assertThat(RawHttp.get(gateway.port("web"), "/").text()).isEqualTo("ok");
                Thread loop = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().equals("loopgate-main-0")).findFirst().orElseThrow();
                long cpu0 = threads.getThreadCpuTime(loop.getId());
                long wall0 = System.nanoTime();
                // Over the same idle stretch of wall time, a busy-polling loop burns it on the CPU; a blocking
                // loop sleeps in epoll_wait.
                Awaitility.await().pollInterval(Duration.ofMillis(50)).atMost(Duration.ofSeconds(10))
                        .until(() -> System.nanoTime() - wall0 > Duration.ofMillis(600).toNanos());
                long cpu = threads.getThreadCpuTime(loop.getId()) - cpu0;
                long wall = System.nanoTime() - wall0;
                if (strategy.equals("busy-poll")) {
                    assertThat(cpu).as("busy-poll CPU over %d ms", wall / 1_000_000).isGreaterThan(wall / 10);
                }
                else {
                    assertThat(cpu).as("block CPU over %d ms", wall / 1_000_000).isLessThan(wall / 40);
                }
            }
        }
    }

    @Test
    void maxEventsPerWaitReachesEpollWait() throws Exception {
        Path trace = Files.createTempFile("loopgate-maxevents", ".txt");
        try (TestUpstream upstream = TestUpstream.start((req, res) -> res.sendString(Mono.just("ok")));
                GatewayProcess gateway = GatewayProcess.start(
                        List.of("strace", "-f", "-qq", "-o", trace.toString(), "-e", "trace=epoll_wait,epoll_pwait,epoll_pwait2"),
                        List.of(), base(upstream, "loopgate.loop-groups.main.threads", "1",
                                "loopgate.loop-groups.main.max-events-per-wait", "37"))) {
            int port = gateway.awaitListener("web");
            assertThat(RawHttp.get(port, "/").text()).isEqualTo("ok");
            // epoll_wait(epfd, events, maxevents, timeout): the loop's calls carry maxevents = 37.
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                    Files.readAllLines(trace).stream().anyMatch(l -> l.matches(".*epoll_p?wait2?\\(\\d+, .*, 37, .*")));
        }
        finally {
            Files.deleteIfExists(trace);
        }
    }
}
