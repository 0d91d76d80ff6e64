package io.loopgate.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopgate.testing.GatewayProcess;
import io.loopgate.testing.RawHttp;
import io.loopgate.testing.TestUpstream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;

/**
 * The trigger mode reaches the kernel: under {@code strace -f -e trace=epoll_ctl,...}, the listening socket, the
 * accepted connection and the upstream connection are registered with EPOLLET in edge mode and without it in
 * level mode.
 */
class TriggerModeStraceIntegrationTest {

    private static final Pattern PID_PREFIX = Pattern.compile("^(\\[pid\\s+\\d+\\]\\s+|\\d+\\s+)");

    @ParameterizedTest
    @CsvSource({"edge, true", "level, false"})
    void everySocketOfTheGroupCarriesTheTriggerMode(String mode, boolean edgeTriggered) throws Exception {
        Path trace = Files.createTempFile("loopgate-strace", ".txt");
        int listenPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            listenPort = probe.getLocalPort();
        }
        try (TestUpstream upstream = TestUpstream.start((req, res) -> res.sendString(Mono.just("ok")));
                GatewayProcess gateway = GatewayProcess.start(
                        List.of("strace", "-f", "-qq", "-o", trace.toString(),
                                "-e", "trace=epoll_ctl,bind,accept,accept4,connect"),
                        List.of("-Xshare:auto"),
                        "loopgate.loop-groups.main.threads", "1",
                        "loopgate.loop-groups.main.trigger-mode", mode,
                        "loopgate.listeners.web.protocol", "http",
                        "loopgate.listeners.web.port", Integer.toString(listenPort),
                        "loopgate.upstreams.up.backends[0]", upstream.address(),
                        "loopgate.routes[0].id", "all", "loopgate.routes[0].listener", "web",
                        "loopgate.routes[0].upstream", "up")) {
            gateway.awaitListener("web");
            int clientPort;
            try (RawHttp http = new RawHttp(listenPort)) {
                clientPort = http.socket().getLocalPort();
                http.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(http.read(false).text()).isEqualTo("ok");
            }
            List<String> lines = Files.readAllLines(trace).stream()
                    .map(l -> PID_PREFIX.matcher(l).replaceFirst("")).toList();

            int listenFd = fdOf(lines, "^bind\\((\\d+), \\{sa_family=AF_INET6?, sin6?_port=htons\\(" + listenPort + "\\)");
            int acceptedFd = resultOf(lines, "^accept4?\\(\\d+, \\{sa_family=AF_INET6?, sin6?_port=htons\\("
                    + clientPort + "\\).*= (\\d+)$");
            int upstreamFd = fdOf(lines, "^connect\\((\\d+), \\{sa_family=AF_INET6?, sin6?_port=htons\\("
                    + upstream.port() + "\\)");

            for (int fd : new int[] {listenFd, acceptedFd, upstreamFd}) {
                String add = lines.stream().filter(l -> l.startsWith("epoll_ctl(") && l.contains("EPOLL_CTL_ADD, " + fd + ", "))
                        .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no EPOLL_CTL_ADD for fd " + fd));
                if (edgeTriggered) {
                    assertThat(add).as("fd %d", fd).contains("EPOLLET");
                }
                else {
                    assertThat(add).as("fd %d", fd).doesNotContain("EPOLLET");
                }
            }
        }
        finally {
            Files.deleteIfExists(trace);
        }
    }

    private static int fdOf(List<String> lines, String regex) {
        Pattern p = Pattern.compile(regex);
        for (String line : lines) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("no strace line matches " + regex);
    }

    private static int resultOf(List<String> lines, String regex) {
        return fdOf(lines, regex);
    }
}
