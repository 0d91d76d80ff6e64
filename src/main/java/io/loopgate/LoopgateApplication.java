package io.loopgate;

import io.loopgate.config.LoopgateProperties;
import io.loopgate.loop.LoopInstrumentation;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** Loopgate: an HTTP and TCP gateway on tunable, observable epoll event loops. */
@SpringBootApplication
@EnableConfigurationProperties(LoopgateProperties.class)
public class LoopgateApplication {

    public static void main(String[] args) {
        // First: weave the event-loop probes before any Netty class runs (-Dloopgate.instrumentation=off to skip).
        LoopInstrumentation.install();
        SpringApplication.run(LoopgateApplication.class, args);
    }
}
