package io.loopgate.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopgate.testing.Gateway;
import io.loopgate.testing.RawHttp;
import io.loopgate.testing.TestUpstream;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * A stop under continuous keep-alive load: every request that reached the upstream is answered, no request is
 * answered with an error, and connections are refused once the stop has begun.
 */
class HttpGracefulStopUnderLoadIntegrationTest {

    static final int CLIENTS = 8;

    @Test
    void finishesEveryInFlightRequestAnswersNoErrorAndRefusesNewConnections() throws Exception {
        AtomicInteger reachedUpstream = new AtomicInteger();
        try (TestUpstream upstream = TestUpstream.start((req, res) -> {
            reachedUpstream.incrementAndGet();
            return res.sendString(Mono.delay(Duration.ofMillis(20)).map(i -> "done"));
        })) {
            Gateway gateway = Gateway.start(
                    "loopgate.shutdown.grace-period", "10s",
                    "loopgate.loop-groups.main.threads", "2",
                    "loopgate.listeners.web.protocol", "http",
                    "loopgate.listeners.web.port", "0",
                    "loopgate.upstreams.up.backends[0]", upstream.address(),
                    "loopgate.routes[0].id", "all", "loopgate.routes[0].listener", "web",
                    "loopgate.routes[0].upstream", "up");
            int port = gateway.port("web");
            AtomicBoolean stopping = new AtomicBoolean();
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger closeAnnounced = new AtomicInteger();
            AtomicInteger refusedAfterStop = new AtomicInteger();
            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            List<CompletableFuture<Void>> clients = new ArrayList<>();
            ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(CompletableFuture.runAsync(() -> {
                    while (true) {
                        RawHttp http;
                        try {
                            http = new RawHttp(port);
                        }
                        catch (ConnectException e) {
                            assertThat(stopping).as("refused only once the stop began").isTrue();
                            refusedAfterStop.incrementAndGet();
                            return;
                        }
                        catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                        try (http) {
                            while (true) {
                                http.send("GET /work HTTP/1.1\r\nHost: x\r\n\r\n");
                                RawHttp.Response response = http.read(false);
                                answered.incrementAndGet();
                                statuses.computeIfAbsent(response.status(), s -> new AtomicInteger()).incrementAndGet();
                                if ("close".equalsIgnoreCase(response.header("connection"))) {
                                    closeAnnounced.incrementAndGet();
                                    break;
                                }
                            }
                        }
                        catch (IOException e) {
                            // Closed between requests (an idle keep-alive connection at the stop): nothing was
                            // answered on it, and nothing of it reached the upstream (checked below). Reconnect.
                        }
                    }
                }, threads));
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> answered.get() >= 200);
            stopping.set(true);
            long start = System.nanoTime();
            gateway.close();
            CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            threads.shutdown();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(statuses.keySet()).as("every answer a success").containsOnly(200);
            assertThat(answered.get()).as("every request that reached the upstream was answered")
                    .isEqualTo(reachedUpstream.get());
            assertThat(refusedAfterStop.get()).isEqualTo(CLIENTS);
            assertThat(closeAnnounced.get()).as("in-flight responses announced the close").isPositive();
        }
    }
}
