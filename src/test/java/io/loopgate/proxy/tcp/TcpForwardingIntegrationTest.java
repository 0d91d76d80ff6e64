package io.loopgate.proxy.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loopgate.proxy.ListenerLifecycle;
import io.loopgate.testing.Gateway;
import io.loopgate.testing.RawHttp;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TCP listeners over real sockets: one gateway with listeners on an edge-triggered group ("main") and a
 * level-triggered group ("level", where the splice listeners live), in front of blocking test backends.
 */
class TcpForwardingIntegrationTest {

    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(300);
    private static final Duration IDLE_TIMEOUT = Duration.ofMillis(500);

    private static BlockingUpstream echo;
    private static BlockingUpstream counting;
    private static BlockingUpstream halfCloser;
    private static BlockingUpstream resetter;
    private static BlockingUpstream observer;
    private static final BlockingQueue<String> halfCloserReceived = new LinkedBlockingQueue<>();
    private static final BlockingQueue<String> observerEvents = new LinkedBlockingQueue<>();
    private static ServerSocket blackhole;
    private static final List<Socket> blackholeFill = new ArrayList<>();
    private static int refusedPort;
    private static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        echo = BlockingUpstream.echo();
        counting = BlockingUpstream.start(socket -> {
            // Answers only after the client's FIN, so the answer travels after the client half-closed.
            long n = socket.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            socket.getOutputStream().write(("received " + n + "\n").getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            socket.getInputStream().read();
        });
        halfCloser = BlockingUpstream.start(socket -> {
            // Half-closes first, then still reads what the client sends afterwards.
            socket.getOutputStream().write("greeting\n".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            halfCloserReceived.add(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        });
        resetter = BlockingUpstream.start(socket -> {
            socket.getInputStream().read();
            socket.setSoLinger(true, 0);
            socket.close();
        });
        observer = BlockingUpstream.start(socket -> {
            InputStream in = socket.getInputStream();
            observerEvents.add("read " + (char) in.read());
            try {
                observerEvents.add("then " + in.read());
            }
            catch (SocketException e) {
                observerEvents.add("then reset");
            }
        });
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refusedPort = closed.getLocalPort();
        }
        // A backend whose accept queue is full: the kernel drops further SYNs, so connecting times out.
        blackhole = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        for (int i = 0; i < 4; i++) {
            Socket s = new Socket();
            try {
                s.connect(blackhole.getLocalSocketAddress(), 200);
            }
            catch (IOException expected) {
                // the queue is full
            }
            blackholeFill.add(s);
        }
        List<String> p = new ArrayList<>(List.of(
                "loopgate.shutdown.grace-period", "1s",
                "loopgate.loop-groups.main.threads", "2",
                "loopgate.loop-groups.level.threads", "2",
                "loopgate.loop-groups.level.trigger-mode", "level",
                "loopgate.upstreams.echo.backends[0]", echo.address(),
                "loopgate.upstreams.counting.backends[0]", counting.address(),
                "loopgate.upstreams.half-closer.backends[0]", halfCloser.address(),
                "loopgate.upstreams.resetter.backends[0]", resetter.address(),
                "loopgate.upstreams.observer.backends[0]", observer.address(),
                "loopgate.upstreams.failover.backends[0]", "127.0.0.1:" + refusedPort,
                "loopgate.upstreams.failover.backends[1]", echo.address(),
                "loopgate.upstreams.slow.backends[0]", "127.0.0.1:" + blackhole.getLocalPort(),
                "loopgate.upstreams.slow.backends[1]", echo.address(),
                "loopgate.upstreams.slow.connect-timeout", CONNECT_TIMEOUT.toMillis() + "ms",
                "loopgate.upstreams.dead.backends[0]", "127.0.0.1:" + refusedPort,
                "loopgate.upstreams.slow-counting.backends[0]", "127.0.0.1:" + blackhole.getLocalPort(),
                "loopgate.upstreams.slow-counting.backends[1]", counting.address(),
                "loopgate.upstreams.slow-counting.connect-timeout", CONNECT_TIMEOUT.toMillis() + "ms"));
        listener(p, "copy", "main", "echo", false);
        listener(p, "copy-level", "level", "echo", false);
        listener(p, "splice", "level", "echo", true);
        listener(p, "answer", "main", "counting", false);
        listener(p, "answer-splice", "level", "counting", true);
        listener(p, "early", "main", "slow-counting", false);
        listener(p, "early-splice", "level", "slow-counting", true);
        listener(p, "half-close", "main", "half-closer", false);
        listener(p, "half-close-splice", "level", "half-closer", true);
        listener(p, "reset", "main", "resetter", false);
        listener(p, "reset-splice", "level", "resetter", true);
        listener(p, "observe", "main", "observer", false);
        listener(p, "failover", "main", "failover", false);
        listener(p, "timeout", "main", "slow", false);
        listener(p, "dead", "main", "dead", false);
        listener(p, "limited", "main", "echo", false);
        p.addAll(List.of("loopgate.listeners.limited.max-connections", "2"));
        listener(p, "idle", "main", "echo", false);
        listener(p, "idle-splice", "level", "echo", true);
        p.addAll(List.of("loopgate.listeners.idle.idle-timeout", IDLE_TIMEOUT.toMillis() + "ms",
                "loopgate.listeners.idle-splice.idle-timeout", IDLE_TIMEOUT.toMillis() + "ms"));
        gateway = Gateway.start(p.toArray(String[]::new));
    }

    private static void listener(List<String> p, String name, String group, String upstream, boolean splice) {
        String k = "loopgate.listeners." + name + ".";
        p.addAll(List.of(k + "protocol", "tcp", k + "port", "0", k + "host", "127.0.0.1", k + "loop-group", group,
                k + "upstream", upstream));
        if (splice) {
            p.addAll(List.of(k + "splice", "true"));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {echo, counting, halfCloser, resetter, observer, blackhole}) {
            if (c != null) {
                c.close();
            }
        }
        for (Socket s : blackholeFill) {
            s.close();
        }
    }

    private static int port(String listener) {
        return gateway.port(listener);
    }

    private static MeterRegistry registry() {
        return gateway.bean(MeterRegistry.class);
    }

    private static double bytes(String listener, String direction) {
        return RequiredSearch.in(registry()).name("loopgate.tcp.bytes")
                .tags("listener", listener, "direction", direction).counter().count();
    }

    private static double counter(String name, String listener, String... tags) {
        return RequiredSearch.in(registry()).name(name).tag("listener", listener).tags(tags).counter().count();
    }

    private static double active(String listener) {
        return RequiredSearch.in(registry()).name("loopgate.tcp.connections").tag("listener", listener).gauge().value();
    }

    @ParameterizedTest
    @ValueSource(strings = {"copy", "copy-level", "splice"})
    void echoesManyMebibytesByteExactAndCountsEveryByte(String listener) throws Exception {
        long size = 48L * 1024 * 1024 + 12345;
        double upBefore = bytes(listener, "upstream");
        double downBefore = bytes(listener, "downstream");

        Streams.Digest[] digests = Streams.echo(port(listener), size, 42);

        assertThat(digests[1]).isEqualTo(digests[0]);
        // Counted when read from the sending socket (recv or splice), so exact once both directions ended.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(bytes(listener, "upstream") - upBefore).isEqualTo((double) size);
            assertThat(bytes(listener, "downstream") - downBefore).isEqualTo((double) size);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"copy", "splice"})
    void forwardsManyConcurrentConnections(String listener) throws Exception {
        int connections = 100;
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            List<Future<Streams.Digest[]>> results = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                long seed = i;
                results.add(pool.submit(() -> Streams.echo(port(listener), 256 * 1024 + seed, seed)));
            }
            for (Future<Streams.Digest[]> result : results) {
                Streams.Digest[] d = result.get(60, TimeUnit.SECONDS);
                assertThat(d[1]).isEqualTo(d[0]);
            }
        }
        finally {
            pool.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> active(listener) == 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"copy", "copy-level", "splice"})
    void upstreamConnectionLivesOnTheAcceptedConnectionsLoop(String listener) throws Exception {
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                Socket socket = Streams.connect(port(listener));
                clients.add(socket);
                socket.getOutputStream().write('x');
                assertThat(socket.getInputStream().read()).isEqualTo('x');
            }
            TcpListener tcp = (TcpListener) gateway.bean(ListenerLifecycle.class).listener(listener);
            List<Channel> accepted = tcp.connections();
            assertThat(accepted).hasSize(8);
            String group = listener.equals("copy") ? "main" : "level";
            for (Channel channel : accepted) {
                Channel upstream = channel.attr(TcpForwarder.UPSTREAM).get();
                assertThat(upstream).isNotNull();
                assertThat(upstream.eventLoop()).isSameAs(channel.eventLoop());
                String thread = channel.eventLoop().submit(() -> Thread.currentThread().getName()).get();
                assertThat(thread).matches("loopgate-" + group + "-\\d+");
                assertThat(channel.attr(TcpForwarder.SPLICED).get()).isEqualTo(listener.equals("splice"));
            }
        }
        finally {
            for (Socket socket : clients) {
                socket.close();
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> active(listener) == 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"answer", "answer-splice"})
    void clientThatShutsDownItsOutputStillReceivesTheResponse(String listener) throws Exception {
        try (Socket socket = Streams.connect(port(listener))) {
            Streams.write(socket.getOutputStream(), 300_000, 7);
            socket.shutdownOutput();
            // The backend answers only once it has seen the client's FIN.
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("received 300000\n");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"early", "early-splice"})
    void bytesAndFinSentWhileTheBackendIsStillBeingConnectedAreForwarded(String listener) throws Exception {
        // The first backend of the upstream never answers: the gateway reads the client's bytes and FIN during
        // the connect timeout, before the second backend is connected.
        try (Socket socket = Streams.connect(port(listener))) {
            Streams.write(socket.getOutputStream(), 100_000, 11);
            socket.shutdownOutput();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("received 100000\n");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"early", "early-splice"})
    void finWithoutBytesWhileTheBackendIsStillBeingConnectedIsForwarded(String listener) throws Exception {
        try (Socket socket = Streams.connect(port(listener))) {
            socket.shutdownOutput();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("received 0\n");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"half-close", "half-close-splice"})
    void backendThatShutsDownItsOutputStillReceivesFromTheClient(String listener) throws Exception {
        halfCloserReceived.clear();
        try (Socket socket = Streams.connect(port(listener))) {
            // Read to end of stream: the backend's FIN reached the client, while the client's side stays open.
            String greeting = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(greeting).isEqualTo("greeting\n");
            socket.getOutputStream().write("late data".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            assertThat(halfCloserReceived.poll(10, TimeUnit.SECONDS)).isEqualTo("late data");
        }
    }

    @Test
    void clientConnectionIsClosedWhenNoBackendAnswers() throws Exception {
        double before = counter("loopgate.tcp.connections.rejected", "dead", "reason", "upstream_unavailable");
        try (Socket socket = Streams.connect(port("dead"))) {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(counter("loopgate.tcp.connections.rejected", "dead", "reason", "upstream_unavailable"))
                .isEqualTo(before + 1);
    }

    @Test
    void nextBackendIsTriedWhenOneRefuses() throws Exception {
        for (int i = 0; i < 4; i++) {
            Streams.Digest[] d = Streams.echo(port("failover"), 10_000, i);
            assertThat(d[1]).isEqualTo(d[0]);
        }
    }

    @Test
    void connectTimeoutIsHonouredThenTheNextBackendIsTried() throws Exception {
        long start = System.nanoTime();
        // Round robin starts with the blackhole backend for the listener's first connection.
        Streams.Digest[] d = Streams.echo(port("timeout"), 10_000, 1);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(d[1]).isEqualTo(d[0]);
        assertThat(elapsedMs).isBetween(CONNECT_TIMEOUT.toMillis(), CONNECT_TIMEOUT.toMillis() + 5_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"reset", "reset-splice"})
    void backendResetClosesTheClientConnection(String listener) throws Exception {
        try (Socket socket = Streams.connect(port(listener))) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write('x');
            assertThat(readUntilClosed(socket)).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> active(listener) == 0);
    }

    @Test
    void clientResetClosesTheBackendConnection() throws Exception {
        observerEvents.clear();
        Socket socket = Streams.connect(port("observe"));
        socket.getOutputStream().write('h');
        assertThat(observerEvents.poll(10, TimeUnit.SECONDS)).isEqualTo("read h");
        socket.setSoLinger(true, 0);
        socket.close();
        assertThat(observerEvents.poll(10, TimeUnit.SECONDS)).isIn("then -1", "then reset");
        await().atMost(Duration.ofSeconds(5)).until(() -> active("observe") == 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"idle", "idle-splice"})
    void idleConnectionIsClosedAfterTheIdleTimeout(String listener) throws Exception {
        try (Socket socket = Streams.connect(port(listener))) {
            socket.getOutputStream().write('x');
            assertThat(socket.getInputStream().read()).isEqualTo('x');
            long lastTraffic = System.nanoTime();
            assertThat(readUntilClosed(socket)).isTrue();
            long idleMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastTraffic);
            assertThat(idleMs).isBetween(IDLE_TIMEOUT.toMillis() - 50, IDLE_TIMEOUT.toMillis() + 3_000);
        }
    }

    @Test
    void connectionsBeyondMaxConnectionsAreClosedAtOnceAndCounted() throws Exception {
        double before = counter("loopgate.tcp.connections.rejected", "limited", "reason", "max_connections");
        try (Socket a = Streams.connect(port("limited")); Socket b = Streams.connect(port("limited"))) {
            for (Socket s : List.of(a, b)) {
                s.getOutputStream().write('x');
                assertThat(s.getInputStream().read()).isEqualTo('x');
            }
            try (Socket c = Streams.connect(port("limited"))) {
                assertThat(readUntilClosed(c)).isTrue();
            }
            assertThat(counter("loopgate.tcp.connections.rejected", "limited", "reason", "max_connections"))
                    .isEqualTo(before + 1);
            assertThat(active("limited")).isEqualTo(2.0);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> active("limited") == 0);
        Streams.Digest[] d = Streams.echo(port("limited"), 1000, 3);
        assertThat(d[1]).isEqualTo(d[0]);
    }

    @Test
    void metricsAreExportedByNameAndTags() throws Exception {
        double opened = counter("loopgate.tcp.connections.opened", "copy", "upstream", "echo");
        Streams.Digest[] d = Streams.echo(port("copy"), 5000, 9);
        assertThat(d[1]).isEqualTo(d[0]);
        await().atMost(Duration.ofSeconds(5)).until(() -> active("copy") == 0);
        assertThat(counter("loopgate.tcp.connections.opened", "copy", "upstream", "echo")).isEqualTo(opened + 1);
        assertThat(RequiredSearch.in(registry()).name("loopgate.tcp.connection.duration")
                .tags("listener", "copy", "upstream", "echo").timer().count()).isGreaterThanOrEqualTo(1);
        assertThat(registry().find("loopgate.tcp.bytes").meters())
                .allSatisfy(m -> assertThat(m.getId().getDescription()).isNotBlank());

        String text = RawHttp.get(gateway.managementPort(), "/actuator/prometheus").text();
        assertThat(text)
                .contains("loopgate_tcp_bytes_total{application=\"loopgate\",direction=\"upstream\",listener=\"copy\"}")
                .contains("loopgate_tcp_bytes_total{application=\"loopgate\",direction=\"downstream\",listener=\"copy\"}")
                .contains("loopgate_tcp_connections{application=\"loopgate\",listener=\"copy\",upstream=\"echo\"} 0.0")
                .contains("loopgate_tcp_connections_opened_total{application=\"loopgate\",listener=\"copy\",upstream=\"echo\"}")
                .contains("loopgate_tcp_connections_rejected_total{application=\"loopgate\",listener=\"limited\",reason=\"max_connections\",upstream=\"echo\"}")
                .contains("loopgate_tcp_connection_duration_seconds_bucket{application=\"loopgate\",listener=\"copy\",upstream=\"echo\",le=\"1.0\"}")
                .contains("# HELP loopgate_tcp_bytes_total Bytes forwarded");
    }

    /** Reads until the connection ends: true on end of stream or reset, assertion error on anything else. */
    private static boolean readUntilClosed(Socket socket) throws IOException {
        try {
            int b = socket.getInputStream().read();
            assertThat(b).as("expected the gateway to close the connection").isEqualTo(-1);
            return true;
        }
        catch (SocketException reset) {
            return true;
        }
    }
}
