package io.loopgate.admin;

import io.loopgate.loop.LoopGroups;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class LoopsEndpointConfiguration {

    @Bean(destroyMethod = "close")
    LoopSampler loopSampler(LoopGroups groups) {
        return new LoopSampler(groups);
    }

    @Bean
    LoopsEndpoint loopsEndpoint(LoopGroups groups, LoopSampler sampler) {
        return new LoopsEndpoint(groups, sampler);
    }
}
