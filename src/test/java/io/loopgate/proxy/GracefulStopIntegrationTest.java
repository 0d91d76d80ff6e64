package io.loopgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopgate.testing.Gateway;
import io.loopgate.testing.RawHttp;
import io.loopgate.testing.TestUpstream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** On shutdown the listeners stop accepting, in-flight requests finish within the grace period, then close. */
class GracefulStopIntegrationTest {

    static Gateway start(TestUpstream upstream, String grace) {
        return Gateway.start(
                "loopgate.shutdown.grace-period", grace,
                "loopgate.loop-groups.main.threads", "1",
                "loopgate.listeners.web.protocol", "http",
                "loopgate.listeners.web.port", "0",
                "loopgate.upstreams.up.backends[0]", upstream.address(),
                "loopgate.routes[0].id", "all", "loopgate.routes[0].listener", "web",
                "loopgate.routes[0].upstream", "up");
    }

    static boolean refuses(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return false;
        }
        catch (ConnectException e) {
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }

    @Test
    void finishesAnInFlightSlowRequestAndRefusesNewConnections() throws Exception {
        Sinks.One<String> release = Sinks.one();
        try (TestUpstream upstream = TestUpstream.start((req, res) -> res.sendString(release.asMono()))) {
            Gateway gateway = start(upstream, "20s");
            int port = gateway.port("web");
            try (RawHttp inFlight = new RawHttp(port)) {
                inFlight.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> upstream.received().size() == 1);

                CompletableFuture<Void> stopped = CompletableFuture.runAsync(gateway::close);
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> refuses(port));
                assertThat(stopped).isNotDone();

                release.tryEmitValue("finished after the stop began");
                RawHttp.Response response = inFlight.read(false);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.text()).isEqualTo("finished after the stop began");
                stopped.get(20, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void closesWhatIsStillOpenWhenTheGracePeriodEnds() throws Exception {
        try (TestUpstream upstream = TestUpstream.start((req, res) -> Mono.never())) {
            Gateway gateway = start(upstream, "500ms");
            try (RawHttp stuck = new RawHttp(gateway.port("web"))) {
                stuck.send("GET /never HTTP/1.1\r\nHost: x\r\n\r\n");
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> upstream.received().size() == 1);
                long start = System.nanoTime();
                gateway.close();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
                assertThat(stuck.closedByPeer()).isTrue();
            }
        }
    }
}
