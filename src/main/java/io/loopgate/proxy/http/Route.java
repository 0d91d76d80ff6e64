package io.loopgate.proxy.http;

import io.loopgate.config.RouteProperties;
import io.loopgate.upstream.Upstream;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.util.AntPathMatcher;

/** A compiled route: its predicates, its rewrites and the upstream it forwards to. */
final class Route {

    private static final AntPathMatcher PATHS = new AntPathMatcher();

    private final RouteProperties settings;
    private final Upstream upstream;
    private final String exactHost;
    private final String hostSuffix;
    private final boolean anyPath;
    private final Set<String> methods;

    Route(RouteProperties settings, Upstream upstream) {
        this.settings = settings;
        this.upstream = upstream;
        String host = settings.host().toLowerCase(Locale.ROOT);
        this.exactHost = host.equals("*") || host.startsWith("*.") ? null : host;
        this.hostSuffix = host.startsWith("*.") ? host.substring(1) : null;
        this.anyPath = settings.path().equals("/**");
        this.methods = settings.methods().stream().map(m -> m.toUpperCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    String id() {
        return settings.id();
    }

    Upstream upstream() {
        return upstream;
    }

    RouteProperties settings() {
        return settings;
    }

    /** True when every predicate holds; {@code host} is lower-case without port, {@code path} without query. */
    boolean matches(String host, String path, HttpMethod method, HttpHeaders headers) {
        if (exactHost != null && !exactHost.equals(host)) {
            return false;
        }
        if (hostSuffix != null && (host == null || !host.endsWith(hostSuffix) || host.length() == hostSuffix.length())) {
            return false;
        }
        if (!methods.isEmpty() && !methods.contains(method.name())) {
            return false;
        }
        for (Map.Entry<String, String> header : settings.headers().entrySet()) {
            if (!headers.containsValue(header.getKey(), header.getValue(), false)) {
                return false;
            }
        }
        return anyPath || PATHS.match(settings.path(), path);
    }

    /** The path sent upstream: {@code strip-prefix} leading segments removed. */
    String rewritePath(String path) {
        int strip = settings.stripPrefix();
        if (strip == 0) {
            return path;
        }
        int index = 0;
        for (int i = 0; i < strip; i++) {
            int next = path.indexOf('/', index + 1);
            if (next < 0) {
                return "/";
            }
            index = next;
        }
        return path.substring(index);
    }
}
