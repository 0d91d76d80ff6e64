package io.loopgate.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * One socket Loopgate binds ({@code loopgate.listeners.<name>}).
 *
 * @param protocol {@code http} (routes decide the upstream) or {@code tcp} (every connection goes to
 *     {@code upstream})
 * @param host address to bind
 * @param port port to bind; 0 picks a free port (tests)
 * @param loopGroup the loop group every channel of this listener runs on
 * @param trustedProxies CIDRs (or single addresses) whose {@code X-Forwarded-*} headers are extended rather
 *     than replaced; http only
 * @param upstream the upstream every connection is forwarded to; tcp only
 * @param idleTimeout tcp: a connection with no traffic in either direction for this long is closed (default
 *     5m); http: a keep-alive connection waiting this long for its next request is closed (default 75s, above
 *     the 60s idle timeout of common load balancers in front)
 * @param splice forward with the kernel's splice(2) instead of copying through user space; tcp only, needs
 *     the loop group's {@code trigger-mode: level}
 * @param maxConnections most connections open at once on this listener; further connections are closed as soon
 *     as they are accepted and counted in {@code loopgate.listener.connections.rejected}; 0 means unlimited
 * @param maxRequestLine longest request line (method, target and version) before 414; http only, default 8KB
 * @param maxHeaderSize longest single header field line (name, colon and value) before 431; http only,
 *     default 32KB
 * @param maxHeadersSize largest header section (all field lines, without the request line) before 431; http
 *     only, default 64KB
 * @param maxHeaderCount most header fields in a request before 431; http only, default 100
 * @param requestHeaderTimeout longest time from a request's first byte (or, for the first request, from the
 *     connection's opening) until its header section is complete; a client that trickles headers gets 408
 *     and is disconnected; http only, default 10s
 */
public record ListenerProperties(
        @NotNull Protocol protocol,
        @DefaultValue("0.0.0.0") String host,
        @NotNull @Min(0) @Max(65535) Integer port,
        @DefaultValue(LoopgateProperties.MAIN_GROUP) String loopGroup,
        List<String> trustedProxies,
        String upstream,
        Duration idleTimeout,
        Boolean splice,
        @DefaultValue("0") @Min(0) int maxConnections,
        DataSize maxRequestLine,
        DataSize maxHeaderSize,
        DataSize maxHeadersSize,
        @Min(1) Integer maxHeaderCount,
        Duration requestHeaderTimeout) {

    public ListenerProperties {
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
    }

    /** A listener of {@code protocol} with every optional setting at its default. */
    public static ListenerProperties of(Protocol protocol, String host, int port, String loopGroup, String upstream) {
        return new ListenerProperties(protocol, host, port, loopGroup, List.of(), upstream, null, null, 0, null, null,
                null, null, null);
    }

    /** Idle timeout in force: the configured one, else 5m for tcp and 75s for http. */
    public Duration effectiveIdleTimeout() {
        return idleTimeout != null ? idleTimeout
                : protocol == Protocol.HTTP ? Duration.ofSeconds(75) : Duration.ofMinutes(5);
    }

    /** Whether splice forwarding is requested. */
    public boolean spliceEnabled() {
        return Boolean.TRUE.equals(splice);
    }

    /** Request-line limit in force (http). */
    public int effectiveMaxRequestLine() {
        return bytes(maxRequestLine, 8 * 1024);
    }

    /** Single header field limit in force (http). */
    public int effectiveMaxHeaderSize() {
        return bytes(maxHeaderSize, 32 * 1024);
    }

    /** Header section limit in force (http). */
    public int effectiveMaxHeadersSize() {
        return bytes(maxHeadersSize, 64 * 1024);
    }

    /** Header count limit in force (http). */
    public int effectiveMaxHeaderCount() {
        return maxHeaderCount == null ? 100 : maxHeaderCount;
    }

    /** Request-header timeout in force (http). */
    public Duration effectiveRequestHeaderTimeout() {
        return requestHeaderTimeout == null ? Duration.ofSeconds(10) : requestHeaderTimeout;
    }

    private static int bytes(DataSize size, int fallback) {
        return size == null ? fallback : (int) Math.min(Integer.MAX_VALUE, size.toBytes());
    }

    /** Application protocol of a listener. */
    public enum Protocol { HTTP, TCP }
}
