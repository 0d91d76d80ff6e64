package io.loopgate.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.Map;

/**
 * Gives other libraries' meters the help text Prometheus expects ({@code promtool check metrics} flags a family
 * without one): Reactor Netty's pool gauges, which the dashboard uses, get a real description; anything else
 * left without one gets a generic one naming it.
 */
final class ScrapeHygiene implements MeterFilter {

    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "reactor.netty.connection.provider.total.connections",
            "Connections of an upstream pool (one pool per upstream and event loop), active and idle",
            "reactor.netty.connection.provider.active.connections",
            "Connections of an upstream pool in use by an exchange",
            "reactor.netty.connection.provider.idle.connections", "Idle connections of an upstream pool",
            "reactor.netty.connection.provider.pending.connections",
            "Requests waiting for a connection of an upstream pool",
            "reactor.netty.connection.provider.max.connections", "Most connections an upstream pool allows",
            "reactor.netty.connection.provider.max.pending.connections",
            "Most requests allowed to wait for a connection of an upstream pool",
            "http.server.requests.active", "Actuator (management port) requests in progress");

    @Override
    public Meter.Id map(Meter.Id id) {
        if (id.getDescription() != null && !id.getDescription().isBlank()) {
            return id;
        }
        String description = DESCRIPTIONS.getOrDefault(id.getName(), "Meter " + id.getName() + " (library default)");
        return new Meter.Id(id.getName(), io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable()),
                id.getBaseUnit(), description, id.getType());
    }
}
