package io.loopgate.upstream;

import io.loopgate.config.LoopgateProperties;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every configured upstream, by name. Closing it disposes all connection pools. */
public final class Upstreams implements AutoCloseable {

    private final Map<String, Upstream> upstreams;

    /** Builds the upstreams of {@code properties}. */
    public Upstreams(LoopgateProperties properties) {
        Map<String, Upstream> map = new LinkedHashMap<>();
        properties.upstreams().forEach((name, settings) -> map.put(name, new Upstream(name, settings)));
        this.upstreams = Collections.unmodifiableMap(map);
    }

    /** The upstream named {@code name}; references are checked when the configuration is bound. */
    public Upstream get(String name) {
        Upstream upstream = upstreams.get(name);
        if (upstream == null) {
            throw new IllegalArgumentException("No upstream '" + name + "'");
        }
        return upstream;
    }

    /** All upstreams, in configuration order. */
    public Collection<Upstream> all() {
        return upstreams.values();
    }

    @Override
    public void close() {
        upstreams.values().forEach(Upstream::close);
    }
}
