package io.loopgate.upstream;

import io.loopgate.config.BackendAddress;
import io.loopgate.config.UpstreamProperties;
import io.loopgate.loop.LoopGroup;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.tcp.TcpClient;

/**
 * A named set of backends with its balancer, timeouts and connection pools. HTTP clients are kept per
 * (loop group, event loop): one {@link ConnectionProvider} each, so an idle pooled connection is only ever
 * leased to a request on the loop it lives on (a shared pool hands out connections of other loops).
 */
public final class Upstream {

    private final String name;
    private final UpstreamProperties settings;
    private final List<Backend> backends;
    private final Balancer balancer;
    private final Map<LoopGroup, PerLoop> clients = new ConcurrentHashMap<>();

    Upstream(String name, UpstreamProperties settings) {
        this.name = name;
        this.settings = settings;
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < settings.backends().size(); i++) {
            list.add(new Backend(BackendAddress.parse("loopgate.upstreams." + name + ".backends[" + i + "]",
                    settings.backends().get(i))));
        }
        this.backends = List.copyOf(list);
        this.balancer = Balancer.of(settings.balancer(), backends);
    }

    /** The upstream's name. */
    public String name() {
        return name;
    }

    /** Its settings. */
    public UpstreamProperties settings() {
        return settings;
    }

    /** Its backends, in configuration order. */
    public List<Backend> backends() {
        return backends;
    }

    /** The backend for the next exchange; {@code attempt} > 0 asks for another one after a failure. */
    public Backend pick(int attempt) {
        return balancer.pick(attempt);
    }

    /** Creates the per-loop HTTP clients for {@code group}; call before traffic arrives. */
    public void prepareHttp(LoopGroup group) {
        clients.computeIfAbsent(group, g -> new PerLoop(g, this));
    }

    /**
     * The HTTP client of the caller's event loop in {@code group}. Must be called from a loop of that group (the
     * inbound connection's loop), so the exchange and its pooled connection stay on that loop.
     */
    public HttpClient httpClient(LoopGroup group) {
        PerLoop perLoop = clients.get(group);
        if (perLoop == null) {
            throw new IllegalStateException("Upstream '" + name + "' was not prepared for loop group " + group.name());
        }
        int index = group.currentLoopIndex();
        if (index < 0) {
            throw new IllegalStateException("Upstream '" + name + "' used from " + Thread.currentThread().getName()
                    + ", which is not an I/O loop of group '" + group.name() + "'");
        }
        return perLoop.clients[index];
    }

    /** A TCP client for {@code backend} on {@code group}, connecting on the caller's loop. */
    public TcpClient tcpClient(LoopGroup group, Backend backend) {
        return group.configure(TcpClient.newConnection()
                .host(backend.address().host())
                .port(backend.address().port())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, millis(settings.connectTimeout())));
    }

    /** Disposes every connection pool of this upstream. */
    void close() {
        clients.values().forEach(PerLoop::close);
    }

    static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    private static final class PerLoop {
        final HttpClient[] clients;
        final ConnectionProvider[] providers;

        PerLoop(LoopGroup group, Upstream upstream) {
            UpstreamProperties s = upstream.settings;
            List<String> loops = group.loopNames();
            clients = new HttpClient[group.threads()];
            providers = new ConnectionProvider[group.threads()];
            for (int i = 0; i < group.threads(); i++) {
                ConnectionProvider provider = ConnectionProvider.builder(upstream.name + "@" + loops.get(i))
                        .maxConnections(s.pool().maxConnections())
                        .maxIdleTime(s.pool().maxIdleTime())
                        .pendingAcquireTimeout(s.pool().pendingAcquireTimeout())
                        .evictInBackground(evictionInterval(s.pool().maxIdleTime()))
                        .metrics(true)
                        .build();
                HttpClient client = HttpClient.create(provider)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, millis(s.connectTimeout()))
                        .option(ChannelOption.TCP_NODELAY, true)
                        .keepAlive(true)
                        .followRedirect(false)
                        .compress(false);
                if (!s.responseTimeout().isZero()) {
                    client = client.responseTimeout(s.responseTimeout());
                }
                providers[i] = provider;
                clients[i] = group.configure(client);
            }
        }

        private static Duration evictionInterval(Duration maxIdle) {
            Duration half = maxIdle.dividedBy(2);
            return half.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30)
                    : half.isZero() ? Duration.ofMillis(100) : half;
        }

        void close() {
            for (ConnectionProvider provider : providers) {
                provider.disposeLater().block(Duration.ofSeconds(5));
            }
        }
    }
}
