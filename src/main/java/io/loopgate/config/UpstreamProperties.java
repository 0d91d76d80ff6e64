package io.loopgate.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * A named set of backends ({@code loopgate.upstreams.<name>}).
 *
 * @param backends {@code host:port} of each backend, at least one
 * @param balancer how a backend is picked for each request or connection
 * @param connectTimeout longest wait for a TCP connection to a backend
 * @param responseTimeout longest wait for the response headers after the request was sent, and longest gap
 *     between two reads of the response; 0 disables it
 * @param pool connection pool settings, applied per event loop
 */
public record UpstreamProperties(
        @NotEmpty List<String> backends,
        @DefaultValue("round-robin") Balancer balancer,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("30s") Duration responseTimeout,
        @Valid @DefaultValue Pool pool) {

    public UpstreamProperties {
        backends = backends == null ? List.of() : List.copyOf(backends);
    }

    /** Balancing policy. */
    public enum Balancer { ROUND_ROBIN, RANDOM, LEAST_REQUESTS }

    /**
     * Upstream connection pool. Loopgate keeps one pool per (upstream, event loop) so a pooled connection is
     * always on the loop of the inbound connection that uses it.
     *
     * @param maxConnections most connections per event loop
     * @param maxIdleTime a pooled connection idle longer than this is closed (keep it below the backend's
     *     keep-alive timeout)
     * @param pendingAcquireTimeout longest wait for a pooled connection when all are busy
     */
    public record Pool(
            @DefaultValue("1024") @Min(1) int maxConnections,
            @DefaultValue("60s") Duration maxIdleTime,
            @DefaultValue("5s") Duration pendingAcquireTimeout) {
    }
}
