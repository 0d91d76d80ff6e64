package io.loopgate.upstream;

import io.loopgate.config.LoopgateProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class UpstreamConfiguration {

    @Bean(destroyMethod = "close")
    Upstreams upstreams(LoopgateProperties properties) {
        return new Upstreams(properties);
    }
}
