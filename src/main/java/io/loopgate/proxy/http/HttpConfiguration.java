package io.loopgate.proxy.http;

import io.loopgate.config.ListenerProperties;
import io.loopgate.config.LoopgateProperties;
import io.loopgate.config.RouteProperties;
import io.loopgate.loop.LoopGroup;
import io.loopgate.loop.LoopGroups;
import io.loopgate.metrics.HttpMetrics;
import io.loopgate.proxy.Listener;
import io.loopgate.proxy.ListenerSource;
import io.loopgate.upstream.Upstream;
import io.loopgate.upstream.Upstreams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class HttpConfiguration {

    @Bean
    ListenerSource httpListeners(LoopgateProperties properties, LoopGroups groups, Upstreams upstreams,
            HttpMetrics metrics) {
        List<Listener> listeners = new ArrayList<>();
        for (Map.Entry<String, ListenerProperties> entry : properties.listeners().entrySet()) {
            ListenerProperties settings = entry.getValue();
            if (settings.protocol() != ListenerProperties.Protocol.HTTP) {
                continue;
            }
            LoopGroup group = groups.get(settings.loopGroup());
            List<Route> routes = new ArrayList<>();
            for (RouteProperties route : properties.routes()) {
                if (route.listener().equals(entry.getKey())) {
                    Upstream upstream = upstreams.get(route.upstream());
                    upstream.prepareHttp(group);
                    routes.add(new Route(route, upstream));
                }
            }
            HttpForwarder forwarder = new HttpForwarder(entry.getKey(), group, new RouteTable(routes),
                    new ForwardedHeaders(settings.trustedProxies()), metrics);
            listeners.add(new HttpListener(entry.getKey(), settings, group, forwarder));
        }
        List<Listener> result = List.copyOf(listeners);
        return () -> result;
    }
}
