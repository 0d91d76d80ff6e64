package io.loopgate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters of tcp listeners. Each listener's meters are built once, when it is created, so forwarding never
 * looks a meter up; bytes are recorded once per read round (one {@code recv} loop or one {@code splice} loop),
 * never per byte.
 *
 * <table>
 * <caption>Catalog</caption>
 * <tr><th>name</th><th>type</th><th>tags</th><th>meaning</th></tr>
 * <tr><td>{@value #CONNECTIONS}</td><td>gauge</td><td>listener, upstream</td><td>connections open now</td></tr>
 * <tr><td>{@value #OPENED}</td><td>counter</td><td>listener, upstream</td><td>connections accepted (within
 * max-connections)</td></tr>
 * <tr><td>{@value #REJECTED}</td><td>counter</td><td>listener, upstream, reason</td><td>connections closed
 * without forwarding: {@code max_connections} (not counted as opened) or {@code upstream_unavailable}</td></tr>
 * <tr><td>{@value #BYTES}</td><td>counter, bytes</td><td>listener, direction</td><td>bytes read from the client
 * ({@code upstream}) or from the backend ({@code downstream}), copied or spliced</td></tr>
 * <tr><td>{@value #DURATION}</td><td>timer</td><td>listener, upstream</td><td>connection lifetime, accept to
 * close</td></tr>
 * </table>
 */
public final class TcpMetrics {

    public static final String CONNECTIONS = "loopgate.tcp.connections";
    public static final String OPENED = "loopgate.tcp.connections.opened";
    public static final String REJECTED = "loopgate.tcp.connections.rejected";
    public static final String BYTES = "loopgate.tcp.bytes";
    public static final String DURATION = "loopgate.tcp.connection.duration";

    private final MeterRegistry registry;

    public TcpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Builds (or finds) the meters of tcp listener {@code listener} forwarding to {@code upstream}. */
    public ListenerMeters listener(String listener, String upstream) {
        return new ListenerMeters(registry, listener, upstream);
    }

    /** Why a connection was closed without being forwarded. */
    public enum Rejection {
        MAX_CONNECTIONS, UPSTREAM_UNAVAILABLE;

        String tag() {
            return name().toLowerCase();
        }
    }

    /** The meters of one tcp listener. Thread-safe; cheap enough for an event loop. */
    public static final class ListenerMeters {

        private final AtomicInteger active = new AtomicInteger();
        private final Counter opened;
        private final Counter rejectedMax;
        private final Counter rejectedUpstream;
        private final Counter upstreamBytes;
        private final Counter downstreamBytes;
        private final Timer duration;

        ListenerMeters(MeterRegistry registry, String listener, String upstream) {
            Tags tags = Tags.of("listener", listener, "upstream", upstream);
            Gauge.builder(CONNECTIONS, active, AtomicInteger::get)
                    .description("TCP connections open now on a listener (forwarded or being connected)")
                    .tags(tags)
                    .strongReference(true)
                    .register(registry);
            opened = Counter.builder(OPENED)
                    .description("TCP connections accepted by a listener within its max-connections")
                    .tags(tags)
                    .register(registry);
            Counter.Builder rejected = Counter.builder(REJECTED)
                    .description("TCP connections closed without forwarding: over max-connections (never counted "
                            + "as opened) or because no backend answered")
                    .tags(tags);
            rejectedMax = rejected.tag("reason", Rejection.MAX_CONNECTIONS.tag()).register(registry);
            rejectedUpstream = rejected.tag("reason", Rejection.UPSTREAM_UNAVAILABLE.tag()).register(registry);
            Counter.Builder bytes = Counter.builder(BYTES)
                    .description("Bytes forwarded by a tcp listener, counted when read from the sending side "
                            + "(copied or spliced): upstream = from clients, downstream = from backends")
                    .baseUnit("bytes")
                    .tag("listener", listener);
            upstreamBytes = bytes.tag("direction", "upstream").register(registry);
            downstreamBytes = bytes.tag("direction", "downstream").register(registry);
            duration = Timer.builder(DURATION)
                    .description("Lifetime of TCP connections on a listener, from accept to close")
                    .tags(tags)
                    .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(1),
                            Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofHours(1))
                    .register(registry);
        }

        /** Connections open now. */
        public int active() {
            return active.get();
        }

        /**
         * Counts a new connection if fewer than {@code max} are open ({@code max} 0 = unlimited); otherwise counts
         * a rejection and returns false.
         */
        public boolean tryOpen(int max) {
            int now = active.incrementAndGet();
            if (max > 0 && now > max) {
                active.decrementAndGet();
                rejectedMax.increment();
                return false;
            }
            opened.increment();
            return true;
        }

        /** Records the close of a connection counted by {@link #tryOpen}, open for {@code nanos}. */
        public void closed(long nanos) {
            active.decrementAndGet();
            duration.record(nanos, TimeUnit.NANOSECONDS);
        }

        /** Counts a connection closed because no backend answered. */
        public void upstreamUnavailable() {
            rejectedUpstream.increment();
        }

        /** The counter of bytes read from clients. */
        public Counter upstreamBytes() {
            return upstreamBytes;
        }

        /** The counter of bytes read from backends. */
        public Counter downstreamBytes() {
            return downstreamBytes;
        }
    }
}
