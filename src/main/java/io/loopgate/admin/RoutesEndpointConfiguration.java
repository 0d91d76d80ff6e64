package io.loopgate.admin;

import io.loopgate.config.LoopgateProperties;
import io.loopgate.upstream.Upstreams;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class RoutesEndpointConfiguration {

    @Bean
    RoutesEndpoint routesEndpoint(LoopgateProperties properties, Upstreams upstreams) {
        return new RoutesEndpoint(properties, upstreams);
    }
}
