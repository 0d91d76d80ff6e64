package io.loopgate.demo;

import io.loopgate.config.DemoDefaults;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;
import java.util.Map;
import org.reactivestreams.Publisher;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpServer;

/**
 * The demo upstreams on 127.0.0.1: HTTP on 18080 ({@code GET /} answers a short text, anything else is echoed)
 * and a TCP echo on 19000. They run on their own single loop so they never show up in the gateway's loop
 * metrics, and start before (stop after) the listeners.
 */
final class DemoUpstreams implements SmartLifecycle {

    static final String GREETING = "Hello from the Loopgate demo upstream. Anything but GET / is echoed back.\n";

    private final LoopResources loops = LoopResources.create("demo-upstream", 1, true);
    private volatile DisposableServer http;
    private volatile DisposableServer echo;

    @Override
    public void start() {
        http = HttpServer.create().host("127.0.0.1").port(DemoDefaults.HTTP_PORT).runOn(loops)
                .handle(DemoUpstreams::handle).bindNow();
        echo = TcpServer.create().host("127.0.0.1").port(DemoDefaults.ECHO_PORT).runOn(loops)
                .handle((in, out) -> out.send(in.receive().retain())).bindNow();
    }

    private static Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        if (request.method().equals(HttpMethod.GET) && request.uri().equals("/")) {
            return response.header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8").sendString(Mono.just(GREETING));
        }
        response.header("x-demo-method", request.method().name()).header("x-demo-uri", request.uri());
        String type = request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE);
        boolean hasBody = request.requestHeaders().contains(HttpHeaderNames.TRANSFER_ENCODING)
                || request.requestHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH, 0) > 0;
        if (hasBody) {
            response.header(HttpHeaderNames.CONTENT_TYPE, type == null ? HttpHeaderValues.APPLICATION_OCTET_STREAM : type);
            return response.send(request.receive().retain());
        }
        StringBuilder text = new StringBuilder(request.method().name()).append(' ').append(request.uri()).append('\n');
        for (Map.Entry<String, String> header : request.requestHeaders()) {
            text.append(header.getKey()).append(": ").append(header.getValue()).append('\n');
        }
        return response.header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8").sendString(Mono.just(text.toString()));
    }

    @Override
    public void stop() {
        if (http != null) {
            http.disposeNow(Duration.ofSeconds(5));
        }
        if (echo != null) {
            echo.disposeNow(Duration.ofSeconds(5));
        }
        loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(6));
        http = null;
        echo = null;
    }

    @Override
    public boolean isRunning() {
        return http != null;
    }

    @Override
    public int getPhase() {
        // Before the listeners start, after they stop.
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }
}
