package io.loopgate.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/** The gateway's own answers: a short JSON body {@code {"status":…,"error":"…","route":"…"}}. */
final class ErrorResponses {

    private ErrorResponses() {
    }

    static Mono<Void> send(HttpServerResponse response, int status, String error, String route) {
        byte[] body = json(status, error, route).getBytes(StandardCharsets.UTF_8);
        response.responseHeaders().clear();
        return response.status(HttpResponseStatus.valueOf(status))
                .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
                .sendByteArray(Mono.just(body))
                .then();
    }

    static String json(int status, String error, String route) {
        // Hand-written: the three fields are fixed ASCII tokens or route ids checked at start-up.
        return "{\"status\":" + status + ",\"error\":\"" + error + "\",\"route\":"
                + (route == null ? "null" : "\"" + route + "\"") + "}";
    }
}
