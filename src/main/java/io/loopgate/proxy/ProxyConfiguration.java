package io.loopgate.proxy;

import io.loopgate.config.LoopgateProperties;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ProxyConfiguration {

    @Bean
    ListenerLifecycle listenerLifecycle(List<ListenerSource> sources, LoopgateProperties properties) {
        List<String> order = new ArrayList<>(properties.listeners().keySet());
        List<Listener> listeners = new ArrayList<>();
        sources.forEach(source -> listeners.addAll(source.listeners()));
        listeners.sort(Comparator.comparingInt(l -> order.indexOf(l.name())));
        return new ListenerLifecycle(listeners, properties.shutdown().gracePeriod());
    }
}
