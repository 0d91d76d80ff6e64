package io.loopgate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.http.Outcome;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code loopgate.http.requests} (timer: listener, route, method, status, outcome) and
 * {@code loopgate.upstream.cross.loop} (counter: listener), the exchanges whose upstream connection was not on
 * the inbound connection's loop (0 while colocation works).
 */
public final class HttpMetrics {

    /** Route tag of requests that matched no route. */
    public static final String NO_ROUTE = "none";

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS",
            "TRACE", "CONNECT");

    private final Meter.MeterProvider<Timer> requests;
    private final Meter.MeterProvider<Counter> crossLoop;

    public HttpMetrics(MeterRegistry registry) {
        this.requests = Timer.builder("loopgate.http.requests")
                .description("HTTP requests handled by a listener, from the first byte to the last byte sent")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
                        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
                        Duration.ofSeconds(10), Duration.ofSeconds(30))
                .withRegistry(registry);
        this.crossLoop = Counter.builder("loopgate.upstream.cross.loop")
                .description("Upstream exchanges whose connection ran on another event loop than the inbound "
                        + "connection (0 while colocation works)")
                .withRegistry(registry);
    }

    /** Records one finished request. */
    public void record(String listener, String route, String method, int status, long nanos) {
        try {
            requests.withTags(Tags.of("listener", listener, "route", route,
                    "method", METHODS.contains(method) ? method : "OTHER", "status", Integer.toString(status),
                    "outcome", Outcome.forStatus(status).name()))
                    .record(nanos, TimeUnit.NANOSECONDS);
        }
        catch (RuntimeException ignored) {
            // Metrics never break traffic.
        }
    }

    /** Counts an exchange that ran on another loop. */
    public void crossLoop(String listener) {
        crossLoop.withTags(Tags.of("listener", listener)).increment();
    }
}
