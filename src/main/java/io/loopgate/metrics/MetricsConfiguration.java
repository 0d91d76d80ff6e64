package io.loopgate.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

    @Bean
    HttpMetrics httpMetrics(MeterRegistry registry) {
        return new HttpMetrics(registry);
    }
}
