package io.loopgate.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loopgate.testing.GatewayProcess;
import io.loopgate.testing.RawHttp;
import io.loopgate.testing.TestUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics are exact: for one loop thread over the same window, the {@code epoll_wait} calls and the eventfd
 * wakeups the agent counted equal what {@code strace -ff} saw that thread (and its wakers) do in the kernel.
 * The window starts and ends with the loop asleep, so each end of it splits no call.
 */
class LoopMetricsStraceIntegrationTest {

    private static final Pattern LINE = Pattern.compile("^(\\d+)\\.(\\d{6}) (\\w+)\\((\\d+)?");
    private static final int REQUESTS = 300;

    @Test
    void epollWaitsAndWakeupsMatchStraceOfTheLoopThread(@TempDir Path dir) throws Exception {
        Path prefix = dir.resolve("trace");
        try (TestUpstream upstream = TestUpstream.start((req, res) -> res.sendString(LoopFixtures.ok()));
                GatewayProcess gateway = GatewayProcess.start(
                        List.of("strace", "-f", "-ff", "-qq", "--seccomp-bpf", "-ttt", "-o", prefix.toString(),
                                "-e", "trace=epoll_wait,epoll_pwait,epoll_pwait2,write"),
                        List.of("-Djdk.attach.allowAttachSelf=true"),
                        LoopFixtures.proxyTo(upstream.address(),
                                "loopgate.loop-groups.main.threads", "1",
                                // a separate accept loop hands each connection to the I/O loop: one wakeup each
                                "loopgate.loop-groups.main.acceptor-threads", "1"))) {
            int port = gateway.awaitListener("web");
            int management = gateway.managementPort();

            JsonNode before = asleep(management);
            long from = micros();
            for (int i = 0; i < REQUESTS; i++) {
                assertThat(RawHttp.get(port, "/strace", "Connection: close").status()).isEqualTo(200);
            }
            JsonNode after = asleep(management);
            long to = micros();

            long tid = after.get("tid").asLong();
            int eventFd = after.get("eventFd").asInt();
            long metricWaits = after.at("/waits/total").asLong() - before.at("/waits/total").asLong();
            long metricWakeups = after.get("wakeups").asLong() - before.get("wakeups").asLong();
            // One more request, so that the loop thread's trace file has a line past the window's end.
            assertThat(RawHttp.get(port, "/flush", "Connection: close").status()).isEqualTo(200);
            Path loopTrace = dir.resolve("trace." + tid);
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(loopTrace)
                    && lastTimestamp(loopTrace) > to);

            long straceWaits = count(List.of(loopTrace), from, to,
                    (call, fd) -> call.equals("epoll_wait") || call.equals("epoll_pwait") || call.equals("epoll_pwait2"));
            List<Path> allThreads;
            try (Stream<Path> files = Files.list(dir)) {
                allThreads = files.filter(f -> f.getFileName().toString().startsWith("trace.")).toList();
            }
            long straceWakeups = count(allThreads, from, to,
                    (call, fd) -> call.equals("write") && fd != null && fd == eventFd);

            System.out.printf("loop %s (tid %d): epoll_wait metric %d / strace %d; eventfd writes metric %d / strace %d%n",
                    after.get("name").asText(), tid, metricWaits, straceWaits, metricWakeups, straceWakeups);
            assertThat(straceWaits).isGreaterThan(REQUESTS);
            assertThat(straceWakeups).isGreaterThan(REQUESTS / 2); // registrations that find the loop awake need no write
            assertThat((double) metricWaits).isCloseTo(straceWaits, withinPercentage(1));
            assertThat((double) metricWakeups).isCloseTo(straceWakeups, withinPercentage(1));
        }
    }

    /** The I/O loop's figures, read while it sleeps in epoll_wait with nothing queued. */
    private static JsonNode asleep(int management) {
        JsonNode[] loop = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode first = ioLoop(management);
            JsonNode second = ioLoop(management);
            loop[0] = second;
            // asleep through both reads: the same wait was in progress all along
            return first.get("blockedNow").asBoolean() && second.get("blockedNow").asBoolean()
                    && first.at("/waits/total").asLong() == second.at("/waits/total").asLong()
                    && second.get("pendingTasks").asInt() == 0;
        });
        return loop[0];
    }

    private static JsonNode ioLoop(int management) throws Exception {
        JsonNode body = new ObjectMapper().readTree(LoopFixtures.get(management, "/actuator/loops"));
        for (JsonNode loop : body.at("/groups/0/loops")) {
            if (loop.get("name").asText().equals("loopgate-main-0")) {
                return loop;
            }
        }
        throw new AssertionError("no loop loopgate-main-0 in " + body);
    }

    private static long micros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private interface Filter {
        boolean test(String call, Integer fd);
    }

    /** Calls entered (strace -ttt prints the entry time) within [from, to) matching {@code filter}. */
    private static long count(List<Path> files, long from, long to, Filter filter) throws IOException {
        long n = 0;
        for (Path file : files) {
            for (String line : Files.readAllLines(file)) {
                Matcher m = LINE.matcher(line);
                if (m.find()) {
                    long t = Long.parseLong(m.group(1)) * 1_000_000L + Long.parseLong(m.group(2));
                    Integer fd = m.group(4) == null ? null : Integer.valueOf(m.group(4));
                    if (t >= from && t < to && filter.test(m.group(3), fd)) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    private static long lastTimestamp(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = lines.size() - 1; i >= 0; i--) {
                Matcher m = LINE.matcher(lines.get(i));
                if (m.find()) {
                    return Long.parseLong(m.group(1)) * 1_000_000L + Long.parseLong(m.group(2));
                }
            }
            return 0;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
