package io.loopgate.admin;

import io.loopgate.config.LoopgateProperties;
import io.loopgate.config.RouteProperties;
import io.loopgate.upstream.Upstream;
import io.loopgate.upstream.Upstreams;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/routes}: every route in match order with its predicates, rewrites and upstream, and each
 * upstream's backends with the exchanges in progress on them.
 */
@Endpoint(id = "routes")
public final class RoutesEndpoint {

    private final LoopgateProperties properties;
    private final Upstreams upstreams;

    public RoutesEndpoint(LoopgateProperties properties, Upstreams upstreams) {
        this.properties = properties;
        this.upstreams = upstreams;
    }

    @ReadOperation
    public Map<String, Object> routes() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("routes", properties.routes().stream().map(RoutesEndpoint::route).toList());
        Map<String, Object> ups = new LinkedHashMap<>();
        for (Upstream upstream : upstreams.all()) {
            Map<String, Object> u = new LinkedHashMap<>();
            u.put("balancer", upstream.settings().balancer().name().toLowerCase().replace('_', '-'));
            u.put("connectTimeout", upstream.settings().connectTimeout().toString());
            u.put("responseTimeout", upstream.settings().responseTimeout().toString());
            u.put("backends", upstream.backends().stream()
                    .map(b -> Map.of("address", b.address().authority(), "inFlight", b.inFlight())).toList());
            ups.put(upstream.name(), u);
        }
        body.put("upstreams", ups);
        return body;
    }

    private static Map<String, Object> route(RouteProperties r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("listener", r.listener());
        m.put("host", r.host());
        m.put("path", r.path());
        m.put("methods", r.methods());
        m.put("headers", r.headers());
        m.put("upstream", r.upstream());
        m.put("preserveHost", r.preserveHost());
        m.put("stripPrefix", r.stripPrefix());
        m.put("requestHeaders", Map.of("add", r.requestHeaders().add(), "remove", r.requestHeaders().remove()));
        m.put("responseHeaders", Map.of("add", r.responseHeaders().add(), "remove", r.responseHeaders().remove()));
        return m;
    }

}
