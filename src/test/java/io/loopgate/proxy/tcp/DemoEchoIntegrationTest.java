package io.loopgate.proxy.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopgate.config.DemoDefaults;
import io.loopgate.testing.Gateway;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoEchoIntegrationTest {

    @Test
    void demoDefaultForwardsPort9000ToTheBuiltInEcho() throws Exception {
        try (Gateway gateway = Gateway.start("loopgate.demo.enabled", "true", "loopgate.shutdown.grace-period", "1s")) {
            assertThat(gateway.port("echo")).isEqualTo(9000);
            try (Socket socket = Streams.connect(gateway.port("echo"))) {
                byte[] hello = "hello through the demo echo\n".getBytes(StandardCharsets.US_ASCII);
                socket.getOutputStream().write(hello);
                assertThat(socket.getInputStream().readNBytes(hello.length)).isEqualTo(hello);
            }
            assertThat(DemoDefaults.ECHO_PORT).isEqualTo(19000);
        }
    }
}
