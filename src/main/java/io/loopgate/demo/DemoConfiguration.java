package io.loopgate.demo;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "loopgate.demo", name = "enabled", matchIfMissing = true)
class DemoConfiguration {

    @Bean
    DemoUpstreams demoUpstreams() {
        return new DemoUpstreams();
    }
}
