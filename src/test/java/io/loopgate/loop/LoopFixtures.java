package io.loopgate.loop;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import reactor.core.publisher.Mono;

/** Shared set-up of the loop, metrics and admin tests: a proxy configuration and a management client. */
public final class LoopFixtures {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private LoopFixtures() {
    }

    /**
     * Properties of a gateway with HTTP listener {@code web} on a free port proxying everything to
     * {@code upstream} on loop group {@code main}, followed by {@code extra} pairs.
     */
    public static String[] proxyTo(String upstream, String... extra) {
        List<String> p = new ArrayList<>(List.of(
                "loopgate.listeners.web.protocol", "http",
                "loopgate.listeners.web.host", "127.0.0.1",
                "loopgate.listeners.web.port", "0",
                "loopgate.upstreams.up.backends[0]", upstream,
                "loopgate.routes[0].id", "all",
                "loopgate.routes[0].listener", "web",
                "loopgate.routes[0].upstream", "up"));
        p.addAll(Arrays.asList(extra));
        return p.toArray(String[]::new);
    }

    /** A body for the test upstream: "ok". */
    public static Mono<String> ok() {
        return Mono.just("ok");
    }

    /** GET {@code http://127.0.0.1:port path}, body as text; fails on a non-200 status. */
    public static String get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
