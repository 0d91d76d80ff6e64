package io.loopgate.loop;

import io.loopgate.config.LoopgateProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class LoopConfiguration {

    @Bean(destroyMethod = "close")
    LoopGroups loopGroups(LoopgateProperties properties) {
        return new LoopGroups(properties);
    }
}
