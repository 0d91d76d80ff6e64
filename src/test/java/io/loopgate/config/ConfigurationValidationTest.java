package io.loopgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopgate.testing.Gateway;
import io.loopgate.testing.GatewayProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Every invalid value stops the start-up with a report naming the property and what is allowed. */
@ExtendWith(OutputCaptureExtension.class)
class ConfigurationValidationTest {

    private static final String[] VALID = {
        "loopgate.listeners.web.protocol", "http",
        "loopgate.listeners.web.port", "0",
        "loopgate.upstreams.up.backends[0]", "127.0.0.1:9",
        "loopgate.routes[0].id", "all",
        "loopgate.routes[0].listener", "web",
        "loopgate.routes[0].upstream", "up",
    };

    static Stream<Arguments> invalidValues() {
        return Stream.of(
                Arguments.of(new String[] {"loopgate.listeners.web.loop-group", "nope"},
                        List.of("loopgate.listeners.web.loop-group", "nope", "[main]")),
                Arguments.of(new String[] {"loopgate.loop-groups.main.threads", "-1"},
                        List.of("loopgate.loop-groups.main.threads", "-1", "greater than or equal to 0")),
                Arguments.of(new String[] {"loopgate.loop-groups.main.acceptor-threads", "-2"},
                        List.of("loopgate.loop-groups.main.acceptor-threads", "greater than or equal to 0")),
                Arguments.of(new String[] {"loopgate.loop-groups.main.io-ratio", "0"},
                        List.of("loopgate.loop-groups.main.io-ratio", "greater than or equal to 1")),
                Arguments.of(new String[] {"loopgate.loop-groups.main.io-ratio", "101"},
                        List.of("loopgate.loop-groups.main.io-ratio", "less than or equal to 100")),
                Arguments.of(new String[] {"loopgate.loop-groups.main.trigger-mode", "sideways"},
                        List.of("loopgate.loop-groups.main.trigger-mode", "sideways", "EDGE", "LEVEL")),
                Arguments.of(new String[] {"loopgate.loop-groups.main.wait-strategy", "nap"},
                        List.of("loopgate.loop-groups.main.wait-strategy", "BLOCK", "BUSY_POLL")),
                Arguments.of(new String[] {"loopgate.loop-groups.main.transport", "io_uring"},
                        List.of("loopgate.loop-groups.main.transport", "EPOLL", "NIO")),
                Arguments.of(new String[] {"loopgate.loop-groups.main.transport", "nio",
                    "loopgate.loop-groups.main.trigger-mode", "level"},
                        List.of("loopgate.loop-groups.main.trigger-mode", "applies only to transport: epoll")),
                Arguments.of(new String[] {"loopgate.loop-groups.main.transport", "nio",
                    "loopgate.loop-groups.main.max-events-per-wait", "64"},
                        List.of("loopgate.loop-groups.main.max-events-per-wait", "applies only to transport: epoll")),
                Arguments.of(new String[] {"loopgate.loop-groups.main.transport", "nio",
                    "loopgate.loop-groups.main.wait-strategy", "busy-poll"},
                        List.of("loopgate.loop-groups.main.wait-strategy", "busy-poll needs transport: epoll")),
                Arguments.of(new String[] {"loopgate.loop-groups.main.max-events-per-wait", "-1"},
                        List.of("loopgate.loop-groups.main.max-events-per-wait", "greater than or equal to 0")),
                Arguments.of(new String[] {"loopgate.loop-groups.main.treads", "2"},
                        List.of("loopgate.loop-groups.main.treads", "left unbound")),
                Arguments.of(new String[] {"loopgate.listenerz.x", "1"},
                        List.of("loopgate.listenerz.x")),
                Arguments.of(new String[] {"loopgate.routes[0].upstream", "missing"},
                        List.of("loopgate.routes[0].upstream", "missing", "[up]")),
                Arguments.of(new String[] {"loopgate.routes[0].listener", "nowhere"},
                        List.of("loopgate.routes[0].listener", "nowhere", "[web]")),
                Arguments.of(new String[] {"loopgate.routes[0].host", "a.*.com"},
                        List.of("loopgate.routes[0].host", "'*.suffix'")),
                Arguments.of(new String[] {"loopgate.routes[0].path", "api/**"},
                        List.of("loopgate.routes[0].path", "starting with '/'")),
                Arguments.of(new String[] {"loopgate.upstreams.up.backends[0]", "127.0.0.1"},
                        List.of("loopgate.upstreams.up.backends[0]", "host:port")),
                Arguments.of(new String[] {"loopgate.upstreams.up.backends[0]", "127.0.0.1:70000"},
                        List.of("loopgate.upstreams.up.backends[0]", "1..65535")),
                Arguments.of(new String[] {"loopgate.upstreams.up.balancer", "fastest"},
                        List.of("loopgate.upstreams.up.balancer", "ROUND_ROBIN", "LEAST_REQUESTS")),
                Arguments.of(new String[] {"loopgate.upstreams.up.connect-timeout", "0s"},
                        List.of("loopgate.upstreams.up.connect-timeout", "duration > 0")),
                Arguments.of(new String[] {"loopgate.listeners.web.trusted-proxies[0]", "10.0.0.0/33"},
                        List.of("loopgate.listeners.web.trusted-proxies[0]", "CIDR")),
                Arguments.of(new String[] {"loopgate.listeners.web.splice", "true"},
                        List.of("loopgate.listeners.web.splice", "only to protocol: tcp")),
                Arguments.of(new String[] {"loopgate.listeners.web.port", "65536"},
                        List.of("loopgate.listeners.web.port", "less than or equal to 65535")));
    }

    @ParameterizedTest
    @MethodSource("invalidValues")
    void rejectsInvalidValueNamingThePropertyAndWhatIsAllowed(String[] override, List<String> expected,
            CapturedOutput output) {
        List<String> properties = new ArrayList<>(Arrays.asList(VALID));
        properties.addAll(Arrays.asList(override));
        assertThatThrownBy(() -> Gateway.start(properties.toArray(String[]::new)).close())
                .isInstanceOf(Exception.class);
        // Boot's failure analyzers print the report; it must name the property and the allowed values.
        String report = output.getAll().substring(output.getAll().lastIndexOf("APPLICATION FAILED TO START"));
        for (String fragment : expected) {
            assertThat(report).contains(fragment);
        }
    }

    @Test
    void theValidBaseConfigurationStarts() {
        try (Gateway gateway = Gateway.start(VALID)) {
            assertThat(gateway.port("web")).isPositive();
        }
    }

    @Test
    void rejectsEpollWhereItIsUnavailable() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start(List.of(), List.of("-Dio.netty.transport.noNative=true"),
                VALID)) {
            assertThat(gateway.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(gateway.output()).contains("loopgate.loop-groups.main.transport")
                    .contains("epoll transport is unavailable").contains("nio");
        }
    }

    @Test
    void nioTransportWorksWithoutEpollSettings() throws Exception {
        List<String> properties = new ArrayList<>(Arrays.asList(VALID));
        properties.addAll(List.of("loopgate.loop-groups.main.transport", "nio", "loopgate.loop-groups.main.threads", "1"));
        try (Gateway gateway = Gateway.start(properties.toArray(String[]::new))) {
            assertThat(gateway.port("web")).isPositive();
        }
    }
}
