package io.loopgate.proxy.tcp;

import io.loopgate.config.ListenerProperties;
import io.loopgate.config.LoopgateProperties;
import io.loopgate.loop.LoopGroups;
import io.loopgate.metrics.TcpMetrics;
import io.loopgate.proxy.Listener;
import io.loopgate.proxy.ListenerSource;
import io.loopgate.upstream.Upstream;
import io.loopgate.upstream.Upstreams;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class TcpConfiguration {

    @Bean
    TcpMetrics tcpMetrics(MeterRegistry registry) {
        return new TcpMetrics(registry);
    }

    @Bean
    ListenerSource tcpListeners(LoopgateProperties properties, LoopGroups groups, Upstreams upstreams,
            TcpMetrics metrics) {
        List<Listener> listeners = new ArrayList<>();
        for (Map.Entry<String, ListenerProperties> entry : properties.listeners().entrySet()) {
            ListenerProperties settings = entry.getValue();
            if (settings.protocol() != ListenerProperties.Protocol.TCP) {
                continue;
            }
            String name = entry.getKey();
            Upstream upstream = upstreams.get(settings.upstream());
            TcpForwarder forwarder = new TcpForwarder(name, settings, groups.get(settings.loopGroup()), upstream,
                    metrics.listener(name, upstream.name()));
            listeners.add(new TcpListener(name, settings, groups.get(settings.loopGroup()), forwarder));
        }
        List<Listener> result = List.copyOf(listeners);
        return () -> result;
    }
}
