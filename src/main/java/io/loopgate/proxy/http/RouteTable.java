package io.loopgate.proxy.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;

/** The routes of one listener, in configuration order; the first match wins. */
final class RouteTable {

    private final List<Route> routes;

    RouteTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    Route match(String host, String path, HttpMethod method, HttpHeaders headers) {
        for (Route route : routes) {
            if (route.matches(host, path, method, headers)) {
                return route;
            }
        }
        return null;
    }

    List<Route> routes() {
        return routes;
    }
}
