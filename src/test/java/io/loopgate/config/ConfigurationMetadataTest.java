package io.loopgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration processor's metadata gives IDE help, with defaults, for the loopgate.* properties. */
class ConfigurationMetadataTest {

    @Test
    void documentsPropertiesWithTheirDefaults() throws Exception {
        Map<String, JsonNode> properties = new HashMap<>();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            new ObjectMapper().readTree(in).get("properties").forEach(p -> properties.put(p.get("name").asText(), p));
        }
        Map<String, String> defaults = Map.of(
                "loopgate.loop-groups.main.transport", "epoll",
                "loopgate.loop-groups.main.threads", "0",
                "loopgate.loop-groups.main.trigger-mode", "edge",
                "loopgate.loop-groups.main.io-ratio", "50",
                "loopgate.loop-groups.main.wait-strategy", "block",
                "loopgate.shutdown.grace-period", "30s",
                "loopgate.demo.enabled", "true");
        defaults.forEach((name, value) -> {
            assertThat(properties).containsKey(name);
            assertThat(properties.get(name).get("defaultValue").asText()).as(name).isEqualTo(value);
            assertThat(properties.get(name).get("description").asText()).as(name).isNotBlank();
        });
        for (String map : new String[] {"loopgate.listeners", "loopgate.upstreams", "loopgate.loop-groups",
            "loopgate.routes"}) {
            assertThat(properties.get(map).get("description").asText()).as(map).isNotBlank();
        }
    }
}
