package io.loopgate.proxy.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopgate.testing.Gateway;
import java.net.ConnectException;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TcpGracefulStopIntegrationTest {

    @Test
    void stopLetsOpenConnectionsRunForTheGracePeriodThenClosesThem() throws Exception {
        try (BlockingUpstream echo = BlockingUpstream.echo()) {
            Gateway gateway = Gateway.start(
                    "loopgate.shutdown.grace-period", "700ms",
                    "loopgate.upstreams.echo.backends[0]", echo.address(),
                    "loopgate.listeners.raw.protocol", "tcp",
                    "loopgate.listeners.raw.port", "0",
                    "loopgate.listeners.raw.upstream", "echo");
            int port = gateway.port("raw");
            try (Socket socket = Streams.connect(port)) {
                socket.getOutputStream().write('x');
                assertThat(socket.getInputStream().read()).isEqualTo('x');

                long start = System.nanoTime();
                CompletableFuture<Void> stopped = CompletableFuture.runAsync(gateway::close);
                // Still forwarding during the grace period...
                socket.getOutputStream().write('y');
                assertThat(socket.getInputStream().read()).isEqualTo('y');
                // ...then closed.
                assertThat(socket.getInputStream().read()).isEqualTo(-1);
                stopped.get(10, TimeUnit.SECONDS);
                long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(elapsedMs).isBetween(600L, 8_000L);
            }
            assertThat(connectRefused(port)).isTrue();
        }
    }

    private static boolean connectRefused(int port) throws Exception {
        try (Socket ignored = Streams.connect(port)) {
            return false;
        }
        catch (ConnectException expected) {
            return true;
        }
    }
}
