package io.loopgate.config;

import io.loopgate.config.ListenerProperties.Protocol;
import io.loopgate.config.RouteProperties.HeaderRules;
import io.loopgate.config.UpstreamProperties.Balancer;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The configuration the gateway runs when nothing is configured and the demo is enabled. */
public final class DemoDefaults {

    /** Port of the demo HTTP upstream on 127.0.0.1. */
    public static final int HTTP_PORT = 18080;
    /** Port of the demo TCP echo upstream on 127.0.0.1. */
    public static final int ECHO_PORT = 19000;

    private DemoDefaults() {
    }

    static Map<String, ListenerProperties> listeners() {
        return Map.of("web", new ListenerProperties(Protocol.HTTP, "0.0.0.0", 8080, LoopgateProperties.MAIN_GROUP,
                List.of(), null, null, null, 0),
                "echo", new ListenerProperties(Protocol.TCP, "0.0.0.0", 9000, LoopgateProperties.MAIN_GROUP,
                        List.of(), "demo-echo", null, null, 0));
    }

    static Map<String, UpstreamProperties> upstreams() {
        UpstreamProperties.Pool pool = new UpstreamProperties.Pool(1024, Duration.ofSeconds(60), Duration.ofSeconds(5));
        return Map.of("demo-http", new UpstreamProperties(List.of("127.0.0.1:" + HTTP_PORT), Balancer.ROUND_ROBIN,
                        Duration.ofSeconds(2), Duration.ofSeconds(30), pool),
                "demo-echo", new UpstreamProperties(List.of("127.0.0.1:" + ECHO_PORT), Balancer.ROUND_ROBIN,
                        Duration.ofSeconds(2), Duration.ofSeconds(30), pool));
    }

    static List<RouteProperties> routes() {
        HeaderRules none = new HeaderRules(Map.of(), List.of());
        return List.of(new RouteProperties("demo", "web", "*", "/**", List.of(), Map.of(), "demo-http", true, 0,
                none, none));
    }
}
