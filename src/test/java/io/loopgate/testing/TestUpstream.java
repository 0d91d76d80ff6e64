package io.loopgate.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import org.reactivestreams.Publisher;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * A real HTTP upstream for tests, on 127.0.0.1 and a free port, on its own loops; it records the request
 * line and headers of everything it receives.
 */
public final class TestUpstream implements AutoCloseable {

    /** What the upstream received. */
    public record Received(String method, String uri, io.netty.handler.codec.http.HttpHeaders headers) {
    }

    private static final LoopResources LOOPS = LoopResources.create("test-upstream", 2, true);

    private final DisposableServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private TestUpstream(BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler) {
        this.server = HttpServer.create().host("127.0.0.1").port(0).runOn(LOOPS)
                .handle((req, res) -> {
                    received.add(new Received(req.method().name(), req.uri(), req.requestHeaders().copy()));
                    return handler.apply(req, res);
                })
                .bindNow();
    }

    /** Starts an upstream answering with {@code handler}. */
    public static TestUpstream start(BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler) {
        return new TestUpstream(handler);
    }

    /** {@code 127.0.0.1:port}. */
    public String address() {
        return "127.0.0.1:" + server.port();
    }

    public int port() {
        return server.port();
    }

    /** Requests received so far. */
    public List<Received> received() {
        return received;
    }

    /** The last request received. */
    public Received last() {
        return received.get(received.size() - 1);
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }
}
