package io.loopgate.config;

import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Graceful stop ({@code loopgate.shutdown}).
 *
 * @param gracePeriod how long in-flight requests and connections may take to finish once the listeners
 *     stop accepting; whatever is still open afterwards is closed
 */
public record ShutdownProperties(@DefaultValue("30s") Duration gracePeriod) {
}
