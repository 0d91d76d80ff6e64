package io.loopgate.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopgate.testing.Gateway;
import io.loopgate.testing.RawHttp;
import org.junit.jupiter.api.Test;

class DemoDefaultIntegrationTest {

    @Test
    void servesTheBuiltInDemoWhenNothingIsConfigured() throws Exception {
        // Ports of the demo default are fixed (8080, 18080); the listener port is overridden to a free one.
        try (Gateway gateway = Gateway.start("loopgate.demo.enabled", "true")) {
            int port = gateway.port("web");
            RawHttp.Response root = RawHttp.get(port, "/");
            assertThat(root.status()).isEqualTo(200);
            assertThat(root.text()).startsWith("Hello from the Loopgate demo upstream");
            RawHttp.Response echo = RawHttp.get(port, "/anything?x=1");
            assertThat(echo.text()).startsWith("GET /anything?x=1");
        }
    }
}
