package io.loopgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopgate.testing.Gateway;
import io.loopgate.testing.RawHttp;
import org.junit.jupiter.api.Test;

class RoutesEndpointIntegrationTest {

    @Test
    void listsRoutesInMatchOrderWithTheirUpstreams() throws Exception {
        try (Gateway gateway = Gateway.start(
                "loopgate.listeners.web.protocol", "http", "loopgate.listeners.web.port", "0",
                "loopgate.upstreams.up.backends[0]", "127.0.0.1:9", "loopgate.upstreams.up.backends[1]", "127.0.0.1:10",
                "loopgate.routes[0].id", "api", "loopgate.routes[0].listener", "web",
                "loopgate.routes[0].path", "/api/**", "loopgate.routes[0].upstream", "up",
                "loopgate.routes[1].id", "rest", "loopgate.routes[1].listener", "web",
                "loopgate.routes[1].upstream", "up")) {
            RawHttp.Response response = RawHttp.get(gateway.managementPort(), "/actuator/routes");
            assertThat(response.status()).isEqualTo(200);
            String json = response.text();
            assertThat(json).contains("\"id\":\"api\"").contains("\"path\":\"/api/**\"")
                    .contains("\"address\":\"127.0.0.1:9\"").contains("\"address\":\"127.0.0.1:10\"")
                    .contains("\"balancer\":\"round-robin\"");
            assertThat(json.indexOf("\"id\":\"api\"")).isLessThan(json.indexOf("\"id\":\"rest\""));
        }
    }
}
