package io.loopgate.testing;

import io.loopgate.LoopgateApplication;
import io.loopgate.proxy.ListenerLifecycle;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real Loopgate started in the test JVM with the given properties (management on a free port, demo off
 * unless asked for). Close it to stop it gracefully.
 */
public final class Gateway implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private Gateway(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Starts a gateway; {@code properties} are {@code key, value} pairs. */
    public static Gateway start(String... properties) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("server.port", "0");
        map.put("management.server.port", "0");
        map.put("loopgate.demo.enabled", "false");
        for (int i = 0; i < properties.length; i += 2) {
            map.put(properties[i], properties[i + 1]);
        }
        String[] args = map.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        return new Gateway(new SpringApplicationBuilder(LoopgateApplication.class)
                .web(WebApplicationType.REACTIVE)
                .run(args));
    }

    /** The bound port of listener {@code name}. */
    public int port(String listener) {
        return context.getBean(ListenerLifecycle.class).listener(listener).port();
    }

    /** The management (Actuator) port. */
    public int managementPort() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.management.port",
                context.getEnvironment().getProperty("local.server.port")));
    }

    /** A bean of the running gateway. */
    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** The Spring context. */
    public ConfigurableApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        context.close();
    }
}
