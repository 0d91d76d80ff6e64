package io.loopgate.config;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The built-in demo upstreams ({@code loopgate.demo}).
 *
 * @param enabled start the demo HTTP upstream on 127.0.0.1:18080 and the TCP echo upstream on
 *     127.0.0.1:19000; when nothing else is configured, the gateway then serves them on 8080 and 9000
 */
public record DemoProperties(@DefaultValue("true") boolean enabled) {
}
