package io.loopgate.proxy.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopgate.config.InvalidConfigurationException;
import io.loopgate.testing.Gateway;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Start-up rules of tcp listeners: each invalid setting stops the start with a message naming the property. */
class TcpListenerConfigurationTest {

    private static final String L = "loopgate.listeners.raw.";

    private static List<String> tcpListener(String... extra) {
        List<String> p = new ArrayList<>(List.of(
                "loopgate.upstreams.backend.backends[0]", "127.0.0.1:9",
                L + "protocol", "tcp", L + "port", "0", L + "host", "127.0.0.1", L + "upstream", "backend"));
        p.addAll(List.of(extra));
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            splice on the default edge-triggered group | main  | edge  | epoll | loopgate.listeners.raw.splice | trigger-mode: level
            splice on an explicitly edge group         | fast  | edge  | epoll | loopgate.listeners.raw.splice | is epoll/edge
            splice on a nio group                      | plain |       | nio   | loopgate.listeners.raw.splice | is nio/edge
            """)
    void spliceNeedsALevelTriggeredEpollGroup(String description, String group, String mode, String transport,
            String property, String explanation) {
        List<String> p = tcpListener(L + "splice", "true", L + "loop-group", group,
                "loopgate.loop-groups." + group + ".transport", transport);
        if (mode != null) {
            p.addAll(List.of("loopgate.loop-groups." + group + ".trigger-mode", mode));
        }
        assertStartFailsNaming(p, property, explanation);
    }

    @Test
    void spliceIsOnlyForTcpListeners() {
        assertStartFailsNaming(List.of(L + "protocol", "http", L + "port", "0", L + "splice", "true"),
                L + "splice", "applies only to protocol: tcp");
    }

    @Test
    void tcpListenerNeedsAnExistingUpstream() {
        assertStartFailsNaming(tcpListener(L + "upstream", "missing"), L + "upstream", "one of the configured upstreams");
    }

    @Test
    void idleTimeoutMustBePositive() {
        assertStartFailsNaming(tcpListener(L + "idle-timeout", "0s"), L + "idle-timeout", "a duration > 0");
    }

    @Test
    void spliceStartsOnALevelTriggeredEpollGroup() {
        try (Gateway gateway = Gateway.start(tcpListener(L + "splice", "true", L + "loop-group", "lt",
                "loopgate.loop-groups.lt.trigger-mode", "level", "loopgate.loop-groups.lt.threads", "1")
                .toArray(String[]::new))) {
            assertThat(gateway.port("raw")).isPositive();
        }
    }

    private static void assertStartFailsNaming(List<String> properties, String property, String explanation) {
        assertThatThrownBy(() -> Gateway.start(properties.toArray(String[]::new)).close())
                .satisfies(e -> {
                    Throwable t = e;
                    while (t != null && !(t instanceof InvalidConfigurationException)) {
                        t = t.getCause();
                    }
                    assertThat(t).as("InvalidConfigurationException in the cause chain of %s", e).isNotNull();
                    assertThat(((InvalidConfigurationException) t).property()).isEqualTo(property);
                    assertThat(t.getMessage()).contains(property).contains(explanation);
                });
    }
}
