package io.loopgate.config;

import io.loopgate.config.ListenerProperties.Protocol;
import io.loopgate.config.LoopGroupProperties.Transport;
import io.loopgate.config.LoopGroupProperties.TriggerMode;
import io.netty.util.NetUtil;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Cross-field rules Bean Validation cannot express: references between sections, settings that only take
 * effect on one transport or protocol, and the syntax of addresses and patterns.
 */
final class ConfigurationRules {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
    private static final Pattern ROUTE_ID = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private ConfigurationRules() {
    }

    static void check(Map<String, LoopGroupProperties> groups, Map<String, ListenerProperties> listeners,
            Map<String, UpstreamProperties> upstreams, List<RouteProperties> routes) {
        groups.forEach(ConfigurationRules::checkGroup);
        listeners.forEach((name, listener) -> checkListener(name, listener, groups, upstreams));
        upstreams.forEach(ConfigurationRules::checkUpstream);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < routes.size(); i++) {
            checkRoute(i, routes.get(i), listeners, upstreams, ids);
        }
    }

    private static void checkGroup(String name, LoopGroupProperties group) {
        String p = "loopgate.loop-groups." + name;
        if (!NAME.matcher(name).matches()) {
            throw new InvalidConfigurationException(p, name,
                    "a group name of lower-case letters, digits and '-' (it becomes part of thread names)");
        }
        if (group.transport() == Transport.NIO) {
            if (group.triggerMode() != null) {
                throw new InvalidConfigurationException(p + ".trigger-mode", lower(group.triggerMode()),
                        "no value: trigger-mode applies only to transport: epoll (this group uses nio)");
            }
            if (group.maxEventsPerWait() != null) {
                throw new InvalidConfigurationException(p + ".max-events-per-wait", group.maxEventsPerWait(),
                        "no value: max-events-per-wait applies only to transport: epoll (this group uses nio)");
            }
            if (group.waitStrategy() == LoopGroupProperties.WaitStrategy.BUSY_POLL) {
                throw new InvalidConfigurationException(p + ".wait-strategy", "busy-poll",
                        "block: busy-poll needs transport: epoll (this group uses nio)");
            }
        }
    }

    private static void checkListener(String name, ListenerProperties listener,
            Map<String, LoopGroupProperties> groups, Map<String, UpstreamProperties> upstreams) {
        String p = "loopgate.listeners." + name;
        if (!NAME.matcher(name).matches()) {
            throw new InvalidConfigurationException(p, name, "a listener name of lower-case letters, digits and '-'");
        }
        LoopGroupProperties group = groups.get(listener.loopGroup());
        if (group == null) {
            throw new InvalidConfigurationException(p + ".loop-group", listener.loopGroup(),
                    "one of the configured loop groups " + groups.keySet());
        }
        if (listener.host() == null || listener.host().isBlank()) {
            throw new InvalidConfigurationException(p + ".host", listener.host(), "an address to bind, e.g. 0.0.0.0");
        }
        if (listener.protocol() == Protocol.HTTP) {
            requireUnset(p + ".upstream", listener.upstream(), "http listeners take their upstream from routes");
            requireUnset(p + ".idle-timeout", listener.idleTimeout(), "idle-timeout applies only to protocol: tcp");
            requireUnset(p + ".splice", listener.splice(), "splice applies only to protocol: tcp");
            for (int i = 0; i < listener.trustedProxies().size(); i++) {
                checkCidr(p + ".trusted-proxies[" + i + "]", listener.trustedProxies().get(i));
            }
            return;
        }
        if (!listener.trustedProxies().isEmpty()) {
            throw new InvalidConfigurationException(p + ".trusted-proxies", listener.trustedProxies(),
                    "no value: trusted-proxies applies only to protocol: http");
        }
        if (listener.upstream() == null || !upstreams.containsKey(listener.upstream())) {
            throw new InvalidConfigurationException(p + ".upstream", listener.upstream(),
                    "one of the configured upstreams " + upstreams.keySet());
        }
        requirePositive(p + ".idle-timeout", listener.effectiveIdleTimeout());
        if (listener.spliceEnabled()) {
            if (group.transport() != Transport.EPOLL || group.effectiveTriggerMode() != TriggerMode.LEVEL) {
                throw new InvalidConfigurationException(p + ".splice", true,
                        "false, or a loop group with transport: epoll and trigger-mode: level (splice(2) "
                                + "forwarding needs level-triggered epoll sockets; loop group '"
                                + listener.loopGroup() + "' is " + lower(group.transport()) + "/"
                                + lower(group.effectiveTriggerMode()) + ")");
            }
        }
    }

    private static void checkUpstream(String name, UpstreamProperties upstream) {
        String p = "loopgate.upstreams." + name;
        if (!NAME.matcher(name).matches()) {
            throw new InvalidConfigurationException(p, name, "an upstream name of lower-case letters, digits and '-'");
        }
        for (int i = 0; i < upstream.backends().size(); i++) {
            BackendAddress.parse(p + ".backends[" + i + "]", upstream.backends().get(i));
        }
        requirePositive(p + ".connect-timeout", upstream.connectTimeout());
        if (upstream.responseTimeout() == null || upstream.responseTimeout().isNegative()) {
            throw new InvalidConfigurationException(p + ".response-timeout", upstream.responseTimeout(),
                    "a duration >= 0 (0 disables it)");
        }
        requirePositive(p + ".pool.max-idle-time", upstream.pool().maxIdleTime());
        requirePositive(p + ".pool.pending-acquire-timeout", upstream.pool().pendingAcquireTimeout());
    }

    private static void checkRoute(int index, RouteProperties route, Map<String, ListenerProperties> listeners,
            Map<String, UpstreamProperties> upstreams, Set<String> ids) {
        String p = "loopgate.routes[" + index + "]";
        if (route.id() == null || !ROUTE_ID.matcher(route.id()).matches()) {
            throw new InvalidConfigurationException(p + ".id", route.id(), "letters, digits, '.', '_' and '-'");
        }
        if (!ids.add(route.id())) {
            throw new InvalidConfigurationException(p + ".id", route.id(), "an id no other route has");
        }
        ListenerProperties listener = listeners.get(route.listener());
        if (listener == null || listener.protocol() != Protocol.HTTP) {
            throw new InvalidConfigurationException(p + ".listener", route.listener(),
                    "one of the configured http listeners " + listeners.entrySet().stream()
                            .filter(e -> e.getValue().protocol() == Protocol.HTTP).map(Map.Entry::getKey).toList());
        }
        if (!upstreams.containsKey(route.upstream())) {
            throw new InvalidConfigurationException(p + ".upstream", route.upstream(),
                    "one of the configured upstreams " + upstreams.keySet());
        }
        String host = route.host();
        if (host == null || host.isBlank() || (host.indexOf('*') >= 0 && !host.equals("*")
                && !(host.startsWith("*.") && host.indexOf('*', 1) < 0 && host.length() > 2))) {
            throw new InvalidConfigurationException(p + ".host", host, "'*', an exact host name, or '*.suffix'");
        }
        if (route.path() == null || !route.path().startsWith("/")) {
            throw new InvalidConfigurationException(p + ".path", route.path(),
                    "an Ant-style pattern starting with '/', e.g. /api/**");
        }
        for (int i = 0; i < route.methods().size(); i++) {
            String method = route.methods().get(i);
            if (method == null || !TOKEN.matcher(method).matches()) {
                throw new InvalidConfigurationException(p + ".methods[" + i + "]", method,
                        "an HTTP method name such as GET or POST");
            }
        }
        route.headers().keySet().forEach(h -> checkHeaderName(p + ".headers", h));
        route.requestHeaders().add().keySet().forEach(h -> checkHeaderName(p + ".request-headers.add", h));
        route.requestHeaders().remove().forEach(h -> checkHeaderName(p + ".request-headers.remove", h));
        route.responseHeaders().add().keySet().forEach(h -> checkHeaderName(p + ".response-headers.add", h));
        route.responseHeaders().remove().forEach(h -> checkHeaderName(p + ".response-headers.remove", h));
    }

    private static void checkHeaderName(String property, String name) {
        if (name == null || !TOKEN.matcher(name).matches()) {
            throw new InvalidConfigurationException(property, name, "a valid HTTP header name");
        }
    }

    private static void checkCidr(String property, String cidr) {
        String address = cidr;
        int prefix = -1;
        int slash = cidr == null ? -1 : cidr.indexOf('/');
        if (slash >= 0) {
            address = cidr.substring(0, slash);
            try {
                prefix = Integer.parseInt(cidr.substring(slash + 1));
            }
            catch (NumberFormatException e) {
                prefix = -2;
            }
        }
        boolean v4 = address != null && NetUtil.isValidIpV4Address(address);
        boolean v6 = address != null && NetUtil.isValidIpV6Address(address);
        if ((!v4 && !v6) || prefix < -1 || prefix > (v4 ? 32 : 128)) {
            throw new InvalidConfigurationException(property, cidr,
                    "an IP address or CIDR block such as 10.0.0.0/8 or fd00::/8");
        }
    }

    private static void requireUnset(String property, Object value, String why) {
        if (value != null) {
            throw new InvalidConfigurationException(property, value, "no value: " + why);
        }
    }

    private static void requirePositive(String property, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new InvalidConfigurationException(property, value, "a duration > 0, e.g. 5s");
        }
    }

    static String lower(Enum<?> value) {
        return value.name().toLowerCase().replace('_', '-');
    }
}
