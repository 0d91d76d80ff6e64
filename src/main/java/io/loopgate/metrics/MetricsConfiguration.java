package io.loopgate.metrics;

import io.loopgate.loop.LoopGroups;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

    @Bean
    static MeterFilter scrapeHygiene() {
        return new ScrapeHygiene();
    }

    @Bean
    HttpMetrics httpMetrics(MeterRegistry registry) {
        return new HttpMetrics(registry);
    }

    @Bean
    LoopMetrics loopMetrics(LoopGroups groups) {
        return new LoopMetrics(groups);
    }
}
