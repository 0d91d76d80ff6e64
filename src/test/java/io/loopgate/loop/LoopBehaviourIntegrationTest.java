package io.loopgate.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loopgate.testing.Gateway;
import io.loopgate.testing.RawHttp;
import io.loopgate.testing.TestUpstream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the per-loop figures show about colocation and trigger modes, on real sockets. */
class LoopBehaviourIntegrationTest {

    private static final int BURST = 120;

    private static TestUpstream upstream;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        upstream = TestUpstream.start((req, res) -> res.sendString(LoopFixtures.ok()));
        gateway = Gateway.start(LoopFixtures.proxyTo(upstream.address(),
                "loopgate.loop-groups.main.threads", "2",
                // one listener per trigger mode, each with its own accept loop
                "loopgate.loop-groups.edge.threads", "1",
                "loopgate.loop-groups.edge.acceptor-threads", "1",
                "loopgate.loop-groups.edge.trigger-mode", "edge",
                "loopgate.loop-groups.level.threads", "1",
                "loopgate.loop-groups.level.acceptor-threads", "1",
                "loopgate.loop-groups.level.trigger-mode", "level",
                "loopgate.listeners.e.protocol", "http", "loopgate.listeners.e.host", "127.0.0.1",
                "loopgate.listeners.e.port", "0", "loopgate.listeners.e.loop-group", "edge",
                "loopgate.listeners.l.protocol", "http", "loopgate.listeners.l.host", "127.0.0.1",
                "loopgate.listeners.l.port", "0", "loopgate.listeners.l.loop-group", "level",
                "loopgate.routes[1].id", "e", "loopgate.routes[1].listener", "e", "loopgate.routes[1].upstream", "up",
                "loopgate.routes[2].id", "l", "loopgate.routes[2].listener", "l", "loopgate.routes[2].upstream", "up"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void colocatedProxyingCausesAlmostNoCrossThreadWakeups() throws Exception {
        List<LoopStats> loops = gateway.bean(LoopGroups.class).get("main").loopStats();
        int port = gateway.port("web");
        int connections = 4;
        int perConnection = 250;
        long before = loops.stream().mapToLong(LoopStats::wakeups).sum();
        List<RawHttp> clients = new ArrayList<>();
        try {
            for (int c = 0; c < connections; c++) {
                clients.add(new RawHttp(port));
            }
            for (int i = 0; i < perConnection; i++) {
                for (RawHttp http : clients) {
                    http.send("GET /colocated HTTP/1.1\r\nHost: x\r\n\r\n");
                }
                for (RawHttp http : clients) {
                    assertThat(http.read(false).status()).isEqualTo(200);
                }
            }
        }
        finally {
            for (RawHttp http : clients) {
                http.close();
            }
        }
        long wakeups = loops.stream().mapToLong(LoopStats::wakeups).sum() - before;
        int requests = connections * perConnection;
        System.out.printf("colocation: %d wakeups for %d proxied requests%n", wakeups, requests);
        // Inbound and upstream connections share a loop, so a request never hops threads; what remains is the
        // registration of each accepted connection on its loop (one wakeup per connection at most).
        assertThat(wakeups).as("wakeups for %d requests", requests).isLessThanOrEqualTo(connections + requests / 100);
    }

    @Test
    void levelTriggeredAcceptLoopWaitsOncePerConnectionEdgeTriggeredBatches() throws Exception {
        double edge = waitsPerAcceptedConnection("edge", gateway.port("e"));
        double level = waitsPerAcceptedConnection("level", gateway.port("l"));
        System.out.printf("accept burst of %d: %.3f epoll_wait per accept (edge), %.3f (level)%n", BURST, edge, level);
        // Edge: accept until EAGAIN, 16 per read, the rest from a task (one immediate wait per 16).
        // Level: exactly one accept4 per epoll_wait.
        assertThat(level).as("level waits per accept").isGreaterThanOrEqualTo(0.9);
        assertThat(edge).as("edge waits per accept").isLessThan(0.3);
    }

    /** Holds the accept loop, queues a burst of connections in the backlog, releases it, counts its waits. */
    private static double waitsPerAcceptedConnection(String group, int port) throws Exception {
        LoopGroup loops = gateway.bean(LoopGroups.class).get(group);
        LoopStats acceptor = loops.loopStats().stream().filter(LoopStats::acceptor).findFirst().orElseThrow();
        LoopStats worker = loops.loopStats().get(0);
        int channelsBefore = worker.channels();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        loops.acceptors().next().execute(() -> {
            held.countDown();
            try {
                release.await();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        held.await();
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < BURST; i++) {
                sockets.add(new Socket("127.0.0.1", port)); // completes in the kernel's backlog
            }
            long waits = acceptor.waits();
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> worker.channels() >= channelsBefore + BURST);
            await().atMost(Duration.ofSeconds(5)).until(acceptor::blockedNow);
            return (double) (acceptor.waits() - waits) / BURST;
        }
        finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
