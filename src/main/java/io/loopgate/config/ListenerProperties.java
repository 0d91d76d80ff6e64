package io.loopgate.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;

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
 * @param idleTimeout a tcp connection with no traffic in either direction for this long is closed; tcp only,
 *     default 5m
 * @param splice forward with the kernel's splice(2) instead of copying through user space; tcp only, needs
 *     the loop group's {@code trigger-mode: level}
 * @param maxConnections most connections open at once on this listener; 0 means unlimited
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
        @DefaultValue("0") @Min(0) int maxConnections) {

    public ListenerProperties {
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
    }

    /** Idle timeout in force for a tcp listener. */
    public Duration effectiveIdleTimeout() {
        return idleTimeout == null ? Duration.ofMinutes(5) : idleTimeout;
    }

    /** Whether splice forwarding is requested. */
    public boolean spliceEnabled() {
        return Boolean.TRUE.equals(splice);
    }

    /** Application protocol of a listener. */
    public enum Protocol { HTTP, TCP }
}
