package io.loopgate.proxy.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loopgate.testing.Gateway;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client that stops reading while its backend pushes as fast as it can: the gateway must stop reading from the
 * backend (bytes forwarded plateau far below what was offered) and its buffer memory must stay bounded; once the
 * client reads again, every byte arrives.
 */
class TcpBackpressureIntegrationTest {

    private static final long OFFERED = 256L * 1024 * 1024;
    private static final long MiB = 1024 * 1024;

    private static final AtomicLong pushed = new AtomicLong();
    private static BlockingUpstream pusher;
    private static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        pusher = BlockingUpstream.start(socket -> {
            OutputStream out = socket.getOutputStream();
            byte[] chunk = new byte[64 * 1024];
            for (long sent = 0; sent < OFFERED; sent += chunk.length) {
                out.write(chunk);
                pushed.addAndGet(chunk.length);
            }
            socket.shutdownOutput();
            socket.getInputStream().read();
        });
        gateway = Gateway.start(
                "loopgate.shutdown.grace-period", "1s",
                "loopgate.loop-groups.main.threads", "1",
                "loopgate.loop-groups.level.threads", "1",
                "loopgate.loop-groups.level.trigger-mode", "level",
                "loopgate.upstreams.pusher.backends[0]", pusher.address(),
                "loopgate.listeners.copy.protocol", "tcp",
                "loopgate.listeners.copy.port", "0",
                "loopgate.listeners.copy.upstream", "pusher",
                "loopgate.listeners.splice.protocol", "tcp",
                "loopgate.listeners.splice.port", "0",
                "loopgate.listeners.splice.loop-group", "level",
                "loopgate.listeners.splice.splice", "true",
                "loopgate.listeners.splice.upstream", "pusher");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (pusher != null) {
            pusher.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"copy", "splice"})
    void slowReaderStopsTheGatewayReadingFromTheBackendWithBoundedMemory(String listener) throws Exception {
        pushed.set(0);
        long directBefore = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
        double forwardedBefore = downstreamBytes(listener);
        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(64 * 1024);
            client.setSoTimeout(30_000);
            client.connect(new InetSocketAddress("127.0.0.1", gateway.port(listener)));

            // Not reading: the backend can only fill the socket buffers and whatever the gateway holds.
            long plateau = awaitPlateau();
            double forwarded = downstreamBytes(listener) - forwardedBefore;
            long directDuring = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
            System.out.printf("%s: backend pushed %d MiB, gateway read %.1f MiB, pooled direct memory %d -> %d MiB%n",
                    listener, plateau / MiB, forwarded / MiB, directBefore / MiB, directDuring / MiB);
            assertThat(plateau).isGreaterThan(0).isLessThan(32 * MiB);
            assertThat(forwarded).isLessThanOrEqualTo(plateau);
            assertThat(directDuring - directBefore).isLessThan(16 * MiB);

            // Reading again: everything arrives, in full.
            long received = client.getInputStream().transferTo(OutputStream.nullOutputStream());
            assertThat(received).isEqualTo(OFFERED);
        }
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(downstreamBytes(listener) - forwardedBefore).isEqualTo((double) OFFERED));
    }

    /** Waits until the backend has made no progress for 10 consecutive polls 50 ms apart; returns its total. */
    private static long awaitPlateau() {
        long[] last = {-1};
        int[] unchanged = {0};
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            long now = pushed.get();
            unchanged[0] = now == last[0] && now > 0 ? unchanged[0] + 1 : 0;
            last[0] = now;
            return unchanged[0] >= 10;
        });
        return last[0];
    }

    private static double downstreamBytes(String listener) {
        return RequiredSearch.in(gateway.bean(MeterRegistry.class)).name("loopgate.tcp.bytes")
                .tags("listener", listener, "direction", "downstream").counter().count();
    }
}
