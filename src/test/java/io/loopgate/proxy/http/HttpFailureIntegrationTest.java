package io.loopgate.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopgate.testing.Gateway;
import io.loopgate.testing.RawHttp;
import io.loopgate.testing.TestUpstream;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** 502 and 504 answers with their JSON bodies, and a client that goes away cancelling the upstream exchange. */
class HttpFailureIntegrationTest {

    static int refusedPort;
    static ServerSocket resetting;
    static ServerSocket fullBacklog;
    static final List<Socket> backlogFillers = new ArrayList<>();
    static TestUpstream silent;
    static TestUpstream streaming;
    static final CountDownLatch streamCancelled = new CountDownLatch(1);
    static final CountDownLatch streamConnectionClosed = new CountDownLatch(1);
    static Gateway gateway;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            refusedPort = s.getLocalPort();
        }
        resetting = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread resetter = new Thread(HttpFailureIntegrationTest::resetEveryConnection, "resetting-upstream");
        resetter.setDaemon(true);
        resetter.start();
        // A listener that never accepts: once its backlog is full the kernel drops SYNs, so connects time out.
        fullBacklog = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        for (int i = 0; i < 4; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(new InetSocketAddress("127.0.0.1", fullBacklog.getLocalPort()), 200);
                backlogFillers.add(filler);
            }
            catch (IOException e) {
                filler.close();
                break;
            }
        }
        silent = TestUpstream.start((req, res) -> Mono.never());
        streaming = TestUpstream.start((req, res) -> {
            res.withConnection(c -> c.onDispose(streamConnectionClosed::countDown));
            return res.sendString(Flux.interval(Duration.ofMillis(5)).map(i -> "chunk " + i + "\n")
                    .doOnCancel(streamCancelled::countDown));
        });
        gateway = Gateway.start(
                "loopgate.loop-groups.main.threads", "1",
                "loopgate.listeners.web.protocol", "http",
                "loopgate.listeners.web.port", "0",
                "loopgate.upstreams.refused.backends[0]", "127.0.0.1:" + refusedPort,
                "loopgate.upstreams.reset.backends[0]", "127.0.0.1:" + resetting.getLocalPort(),
                "loopgate.upstreams.blackhole.backends[0]", "127.0.0.1:" + fullBacklog.getLocalPort(),
                "loopgate.upstreams.blackhole.connect-timeout", "300ms",
                "loopgate.upstreams.silent.backends[0]", silent.address(),
                "loopgate.upstreams.silent.response-timeout", "300ms",
                "loopgate.upstreams.streaming.backends[0]", streaming.address(),
                "loopgate.routes[0].id", "refused", "loopgate.routes[0].listener", "web",
                "loopgate.routes[0].path", "/refused", "loopgate.routes[0].upstream", "refused",
                "loopgate.routes[1].id", "reset", "loopgate.routes[1].listener", "web",
                "loopgate.routes[1].path", "/reset", "loopgate.routes[1].upstream", "reset",
                "loopgate.routes[2].id", "blackhole", "loopgate.routes[2].listener", "web",
                "loopgate.routes[2].path", "/blackhole", "loopgate.routes[2].upstream", "blackhole",
                "loopgate.routes[3].id", "silent", "loopgate.routes[3].listener", "web",
                "loopgate.routes[3].path", "/silent", "loopgate.routes[3].upstream", "silent",
                "loopgate.routes[4].id", "streaming", "loopgate.routes[4].listener", "web",
                "loopgate.routes[4].path", "/streaming", "loopgate.routes[4].upstream", "streaming");
        port = gateway.port("web");
    }

    private static void resetEveryConnection() {
        while (!resetting.isClosed()) {
            try (Socket s = resetting.accept()) {
                InputStream in = s.getInputStream();
                in.read(new byte[4096]); // the request arrived
                s.setSoLinger(true, 0); // close with RST
            }
            catch (IOException e) {
                return;
            }
        }
    }

    @AfterAll
    static void stop() throws IOException {
        gateway.close();
        resetting.close();
        for (Socket s : backlogFillers) {
            s.close();
        }
        fullBacklog.close();
        silent.close();
        streaming.close();
    }

    @Test
    void answers502WhenTheBackendRefuses() throws Exception {
        RawHttp.Response r = RawHttp.get(port, "/refused");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.text()).isEqualTo("{\"status\":502,\"error\":\"upstream_unavailable\",\"route\":\"refused\"}");
    }

    @Test
    void answers502WhenTheBackendResetsBeforeResponding() throws Exception {
        RawHttp.Response r = RawHttp.get(port, "/reset");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.text()).isEqualTo("{\"status\":502,\"error\":\"upstream_unavailable\",\"route\":\"reset\"}");
    }

    @Test
    void answers504WhenTheConnectTimesOut() throws Exception {
        long start = System.nanoTime();
        RawHttp.Response r = RawHttp.get(port, "/blackhole");
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.text()).isEqualTo("{\"status\":504,\"error\":\"upstream_timeout\",\"route\":\"blackhole\"}");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void answers504WhenTheResponseTimesOut() throws Exception {
        RawHttp.Response r = RawHttp.get(port, "/silent");
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.text()).isEqualTo("{\"status\":504,\"error\":\"upstream_timeout\",\"route\":\"silent\"}");
        // The gateway keeps serving afterwards.
        assertThat(RawHttp.get(port, "/refused").status()).isEqualTo(502);
    }

    @Test
    void clientGoingAwayCancelsTheUpstreamExchangeAndDiscardsItsConnection() throws Exception {
        try (RawHttp http = new RawHttp(port)) {
            http.send("GET /streaming HTTP/1.1\r\nHost: x\r\n\r\n");
            byte[] first = http.socket().getInputStream().readNBytes(64);
            assertThat(new String(first, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
        }
        assertThat(streamCancelled.await(10, TimeUnit.SECONDS)).as("upstream response cancelled").isTrue();
        assertThat(streamConnectionClosed.await(10, TimeUnit.SECONDS)).as("upstream connection closed").isTrue();
        MeterRegistry registry = gateway.bean(MeterRegistry.class);
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(io.micrometer.core.instrument.Metrics.globalRegistry
                        .find("reactor.netty.connection.provider.active.connections")
                        .tag("name", "streaming@loopgate-main-0").gauges())
                        .allSatisfy(g -> assertThat(g.value()).isZero()));
        // Recorded with the status that was sent before the client left.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                registry.find("loopgate.http.requests").tag("route", "streaming").tag("status", "200").timer() != null);
    }

}
