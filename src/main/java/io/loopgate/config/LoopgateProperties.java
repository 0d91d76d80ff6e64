package io.loopgate.config;

import jakarta.validation.Valid;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Root of Loopgate's configuration ({@code loopgate.*}).
 *
 * <p>Unknown keys are rejected ({@code ignoreUnknownFields = false}), constraints are checked by Bean
 * Validation, and cross-field rules (references, transport-specific settings) by
 * {@link ConfigurationRules} when the object is built, so a bad file never starts a half-configured gateway.
 *
 * @param loopGroups named event-loop groups; a group named {@code main} with default settings exists unless
 *     configured
 * @param listeners sockets Loopgate binds, by name
 * @param upstreams named sets of backends, by name
 * @param routes HTTP match rules, evaluated in order; the first match wins
 * @param shutdown graceful-stop settings
 * @param demo the built-in demo upstreams
 */
@Validated
@ConfigurationProperties(prefix = "loopgate", ignoreUnknownFields = false)
public record LoopgateProperties(
        Map<String, @Valid LoopGroupProperties> loopGroups,
        Map<String, @Valid ListenerProperties> listeners,
        Map<String, @Valid UpstreamProperties> upstreams,
        List<@Valid RouteProperties> routes,
        @Valid @DefaultValue @NestedConfigurationProperty ShutdownProperties shutdown,
        @Valid @DefaultValue @NestedConfigurationProperty DemoProperties demo) {

    /** Name of the loop group that always exists. */
    public static final String MAIN_GROUP = "main";

    public LoopgateProperties {
        loopGroups = new LinkedHashMap<>(loopGroups == null ? Map.of() : loopGroups);
        loopGroups.putIfAbsent(MAIN_GROUP, LoopGroupProperties.defaults());
        loopGroups = Collections.unmodifiableMap(loopGroups);
        listeners = listeners == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(listeners));
        upstreams = upstreams == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(upstreams));
        routes = routes == null ? List.of() : List.copyOf(routes);
        if (demo.enabled() && listeners.isEmpty() && upstreams.isEmpty() && routes.isEmpty()) {
            // With nothing configured, the gateway serves the built-in demo so that `curl localhost:8080/` works.
            listeners = DemoDefaults.listeners();
            upstreams = DemoDefaults.upstreams();
            routes = DemoDefaults.routes();
        }
        ConfigurationRules.check(loopGroups, listeners, upstreams, routes);
    }
}
