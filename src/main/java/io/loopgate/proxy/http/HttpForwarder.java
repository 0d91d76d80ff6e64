package io.loopgate.proxy.http;

import io.loopgate.loop.LoopGroup;
import io.loopgate.metrics.HttpMetrics;
import io.loopgate.proxy.BodyTooLargeException;
import io.loopgate.proxy.Failure;
import io.loopgate.upstream.Backend;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The HTTP pipeline of one listener: route match, backend pick, forward with streaming bodies on the inbound
 * connection's loop, relay the response, answer failures with JSON.
 */
final class HttpForwarder {

    private static final Logger log = LoggerFactory.getLogger(HttpForwarder.class);
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

    private final String listener;
    private final LoopGroup group;
    private final RouteTable routes;
    private final ForwardedHeaders forwarded;
    private final HttpMetrics metrics;
    private volatile boolean draining;

    HttpForwarder(String listener, LoopGroup group, RouteTable routes, ForwardedHeaders forwarded,
            HttpMetrics metrics) {
        this.listener = listener;
        this.group = group;
        this.routes = routes;
        this.forwarded = forwarded;
        this.metrics = metrics;
    }

    /** Responses from now on close their connection (the listener is stopping). */
    void drain() {
        draining = true;
    }

    Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        long start = System.nanoTime();
        String target = request.uri();
        String path = pathOf(target);
        String host = request.requestHeaders().get(HttpHeaderNames.HOST);
        Route route = routes.match(hostName(host), path, request.method(), request.requestHeaders());
        String method = request.method().name();
        if (route == null) {
            return ErrorResponses.send(response, 404, "no_route", null, draining)
                    .doFinally(s -> metrics.record(listener, HttpMetrics.NO_ROUTE, method, 404, System.nanoTime() - start));
        }
        HttpHeaders inbound = request.requestHeaders();
        boolean chunked = inbound.containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true);
        long length = contentLength(inbound);
        long limit = route.settings().maxBodyBytes();
        if (limit >= 0 && length > limit) {
            // Declared too large: answered before the upstream is contacted; the unread body closes the connection.
            return ErrorResponses.send(response, 413, Failure.Kind.BODY_TOO_LARGE.error(), route.id(), true)
                    .doFinally(s -> metrics.record(listener, route.id(), method, 413, System.nanoTime() - start));
        }
        Backend backend = route.upstream().pick(0);
        AtomicInteger status = new AtomicInteger();
        String uri = "http://" + backend.address().authority() + route.rewritePath(path) + queryOf(target);
        EventLoop[] inboundLoop = new EventLoop[1];
        request.withConnection(c -> inboundLoop[0] = c.channel().eventLoop());
        Exchange exchange = new Exchange(request, response, route, backend, uri, host, chunked, length, limit,
                inboundLoop, status);
        // A stale pooled connection fails before any response byte; a request without a body and with an
        // idempotent method is then sent once more on a fresh connection (Reactor Netty's own retry is off).
        boolean retryable = !chunked && length <= 0 && IDEMPOTENT.contains(method);
        backend.acquire();
        return exchange.run(route.upstream().httpClient(group))
                .onErrorResume(error -> retryable && status.get() == 0 && !response.hasSentHeaders()
                                && Failure.classify(error).kind() == Failure.Kind.RESET_BEFORE_RESPONSE
                        ? retry(exchange, route, error)
                        : Mono.error(error))
                .onErrorResume(error -> fail(response, route, error, status))
                .doFinally(signal -> {
                    backend.release();
                    // The status sent; 499 (nginx's "client closed request") when the client left before any.
                    int code = status.get() != 0 ? status.get() : signal == SignalType.CANCEL ? 499 : 500;
                    metrics.record(listener, route.id(), method, code, System.nanoTime() - start);
                });
    }

    private Mono<Void> retry(Exchange exchange, Route route, Throwable error) {
        log.debug("Route {}: pooled upstream connection failed before a response ({}); retrying once on a fresh "
                + "connection", route.id(), error.toString());
        return exchange.run(route.upstream().freshHttpClient(group));
    }

    /** One request's upstream exchange; {@link #run} may be called twice (the retry). */
    private final class Exchange {
        private final HttpServerRequest request;
        private final HttpServerResponse response;
        private final Route route;
        private final Backend backend;
        private final String uri;
        private final String host;
        private final boolean chunked;
        private final long length;
        private final long limit;
        private final EventLoop[] inboundLoop;
        private final AtomicInteger status;

        Exchange(HttpServerRequest request, HttpServerResponse response, Route route, Backend backend, String uri,
                String host, boolean chunked, long length, long limit, EventLoop[] inboundLoop, AtomicInteger status) {
            this.request = request;
            this.response = response;
            this.route = route;
            this.backend = backend;
            this.uri = uri;
            this.host = host;
            this.chunked = chunked;
            this.length = length;
            this.limit = limit;
            this.inboundLoop = inboundLoop;
            this.status = status;
        }

        Mono<Void> run(HttpClient client) {
            return client
                    .request(request.method())
                    .uri(uri)
                    .send((upstreamRequest, out) -> {
                        out.withConnection(c -> {
                            if (c.channel().eventLoop() != inboundLoop[0]) {
                                metrics.crossLoop(listener);
                            }
                        });
                        HttpHeaders headers = upstreamRequest.requestHeaders();
                        headers.clear();
                        Headers.copyEndToEnd(request.requestHeaders(), headers);
                        forwarded.apply(request.requestHeaders(), headers, request.remoteAddress(), host);
                        headers.set(HttpHeaderNames.HOST,
                                route.settings().preserveHost() && host != null ? host : backend.address().authority());
                        editHeaders(headers, route.settings().requestHeaders());
                        if (chunked) {
                            headers.remove(HttpHeaderNames.CONTENT_LENGTH);
                            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                            return out.sendObject(body());
                        }
                        if (length > 0) {
                            return out.sendObject(body());
                        }
                        // No body: send none, so a bodyless GET gains no "content-length: 0".
                        return out;
                    })
                    .response((upstreamResponse, body) -> {
                        status.set(upstreamResponse.status().code());
                        response.status(upstreamResponse.status());
                        HttpHeaders headers = response.responseHeaders();
                        headers.clear();
                        Headers.copyEndToEnd(upstreamResponse.responseHeaders(), headers);
                        int code = upstreamResponse.status().code();
                        if (!headers.contains(HttpHeaderNames.CONTENT_LENGTH) && code >= 200 && code != 204
                                && code != 304) {
                            // Our own framing: chunked, so the connection stays reusable (also for HEAD answers).
                            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                        }
                        editHeaders(headers, route.settings().responseHeaders());
                        if (draining) {
                            response.keepAlive(false);
                        }
                        return response.send(body.retain());
                    })
                    .then();
        }

        /** The request body, streamed; counted against the route's limit as it goes, never buffered. */
        private Publisher<ByteBuf> body() {
            if (limit < 0) {
                return request.receive().retain();
            }
            long[] seen = new long[1];
            return request.receive().handle((buf, sink) -> {
                seen[0] += buf.readableBytes();
                if (seen[0] > limit) {
                    sink.error(new BodyTooLargeException(limit));
                }
                else {
                    sink.next(buf.retain());
                }
            });
        }
    }

    private Mono<Void> fail(HttpServerResponse response, Route route, Throwable error, AtomicInteger status) {
        boolean[] connected = {true};
        response.withConnection(c -> connected[0] = c.channel().isActive());
        Failure failure = Failure.classify(error, connected[0]);
        if (failure.kind() == Failure.Kind.CLIENT_GONE) {
            log.debug("Route {}: the client went away ({})", route.id(), error.toString());
            if (status.get() == 0) {
                status.set(failure.kind().status());
            }
            return Mono.empty();
        }
        if (response.hasSentHeaders()) {
            // The response has started: the only honest signal left is to close the connection.
            log.debug("Route {}: upstream failed after the response started ({}), closing", route.id(),
                    failure.kind(), error);
            return Mono.error(error);
        }
        if (failure.side() == Failure.Side.INTERNAL) {
            log.warn("Route {}: internal error while forwarding", route.id(), error);
        }
        else {
            log.debug("Route {}: {} ({})", route.id(), failure.kind(), error.toString());
        }
        status.set(failure.kind().status());
        // A body cut off part-way leaves unread bytes behind: that connection cannot carry another request.
        boolean close = draining || failure.kind() == Failure.Kind.BODY_TOO_LARGE;
        return ErrorResponses.send(response, failure.kind().status(), failure.kind().error(), route.id(), close);
    }

    private static void editHeaders(HttpHeaders headers, io.loopgate.config.RouteProperties.HeaderRules rules) {
        for (String name : rules.remove()) {
            headers.remove(name);
        }
        for (Map.Entry<String, String> add : rules.add().entrySet()) {
            headers.set(add.getKey(), add.getValue());
        }
    }

    private static long contentLength(HttpHeaders headers) {
        String value = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value.trim());
        }
        catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The path of a request target, origin-form or absolute-form, without query. */
    static String pathOf(String target) {
        String path = target;
        if (!path.startsWith("/")) {
            int scheme = path.indexOf("://");
            if (scheme > 0) {
                int slash = path.indexOf('/', scheme + 3);
                path = slash < 0 ? "/" : path.substring(slash);
            }
            else {
                path = "/" + path;
            }
        }
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        int fragment = path.indexOf('#');
        return fragment >= 0 ? path.substring(0, fragment) : path;
    }

    private static String queryOf(String target) {
        int query = target.indexOf('?');
        if (query < 0) {
            return "";
        }
        int fragment = target.indexOf('#', query);
        return fragment < 0 ? target.substring(query) : target.substring(query, fragment);
    }

    /** The host part of a Host header, lower-case, without port (IPv6 literals keep their brackets). */
    static String hostName(String host) {
        if (host == null) {
            return null;
        }
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']') < colon) {
            host = host.substring(0, colon);
        }
        return host.toLowerCase(Locale.ROOT);
    }
}
