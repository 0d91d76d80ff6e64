package io.loopgate.loop;

import io.loopgate.config.InvalidConfigurationException;
import io.loopgate.config.LoopGroupProperties;
import io.loopgate.config.LoopGroupProperties.Transport;
import io.loopgate.config.LoopgateProperties;
import io.netty.channel.epoll.Epoll;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every configured loop group, created at start-up and shut down after the listeners have stopped (it is
 * closed as a bean, after the listener lifecycle has drained).
 */
public final class LoopGroups implements AutoCloseable {

    private final Map<String, LoopGroup> groups;

    /** Creates the groups; fails naming the property when a transport cannot be used here. */
    public LoopGroups(LoopgateProperties properties) {
        Map<String, LoopGroup> created = new LinkedHashMap<>();
        properties.loopGroups().forEach((name, settings) -> {
            requireAvailable(name, settings);
            created.put(name, new LoopGroup(name, settings));
        });
        this.groups = Collections.unmodifiableMap(created);
    }

    private static void requireAvailable(String name, LoopGroupProperties settings) {
        if (settings.transport() == Transport.EPOLL && !Epoll.isAvailable()) {
            Throwable cause = Epoll.unavailabilityCause();
            throw new InvalidConfigurationException("loopgate.loop-groups." + name + ".transport", "epoll",
                    "nio, because the epoll transport is unavailable on this machine ("
                            + (cause == null ? "unknown cause" : cause.getMessage()) + ")");
        }
    }

    /** The group named {@code name}; names are checked when the configuration is bound. */
    public LoopGroup get(String name) {
        LoopGroup group = groups.get(name);
        if (group == null) {
            throw new IllegalArgumentException("No loop group '" + name + "'");
        }
        return group;
    }

    /** All groups, in configuration order. */
    public Collection<LoopGroup> all() {
        return groups.values();
    }

    @Override
    public void close() {
        groups.values().forEach(g -> g.shutdown(Duration.ofSeconds(5)));
    }
}
