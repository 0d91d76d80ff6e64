package io.loopgate.proxy.tcp;

import io.loopgate.config.ListenerProperties;
import io.loopgate.loop.LoopGroup;
import io.loopgate.loop.Splice;
import io.loopgate.metrics.TcpMetrics.ListenerMeters;
import io.loopgate.proxy.Failure;
import io.loopgate.upstream.Backend;
import io.loopgate.upstream.Upstream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.AttributeKey;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;
import reactor.netty.NettyPipeline;
import reactor.netty.tcp.TcpClient;

/**
 * The forwarding of one tcp listener: admit (max-connections), connect to a backend on the accepted
 * connection's loop (the next backend when one does not answer), then move bytes both ways until both
 * directions have ended, propagating half-close, and close both sides when either closes or resets.
 */
final class TcpForwarder {

    private static final Logger log = LoggerFactory.getLogger(TcpForwarder.class);

    /**
     * Reads of at most 32 KiB. Reactor Netty keeps at most 128 buffers in flight per send, so a direction holds
     * at most about 4 MiB while its receiver is slow (plus Reactor Netty's small inbound queue).
     */
    static final RecvByteBufAllocator READS = new AdaptiveRecvByteBufAllocator(64, 2048, 32 * 1024);

    /** On an accepted channel: the upstream channel it is forwarded to. */
    static final AttributeKey<Channel> UPSTREAM = AttributeKey.valueOf("loopgate.tcp.upstream");
    /** On an accepted channel: true when it is forwarded with splice(2). */
    static final AttributeKey<Boolean> SPLICED = AttributeKey.valueOf("loopgate.tcp.spliced");

    private static final EndOfInput END_OF_INPUT = new EndOfInput();

    private final String listener;
    private final ListenerProperties settings;
    private final Upstream upstream;
    private final ListenerMeters meters;
    private final Map<Backend, TcpClient> clients = new LinkedHashMap<>();
    private final long idleNanos;

    TcpForwarder(String listener, ListenerProperties settings, LoopGroup group, Upstream upstream,
            ListenerMeters meters) {
        this.listener = listener;
        this.settings = settings;
        this.upstream = upstream;
        this.meters = meters;
        this.idleNanos = settings.effectiveIdleTimeout().toNanos();
        for (Backend backend : upstream.backends()) {
            clients.put(backend, upstream.tcpClient(group, backend)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .doOnChannelInit((observer, channel, address) -> init(channel, meters.downstreamBytes())));
        }
    }

    /** Prepares an accepted channel before anything is read from it. */
    void initAccepted(Channel channel) {
        init(channel, meters.upstreamBytes());
    }

    private static void init(Channel channel, io.micrometer.core.instrument.Counter bytes) {
        channel.config().setRecvByteBufAllocator(new ReadCounter(READS, bytes));
        channel.pipeline().addBefore(NettyPipeline.ReactiveBridge, EndOfInput.NAME, END_OF_INPUT);
    }

    /** Handles one accepted connection; runs on its event loop. */
    Mono<Void> handle(NettyInbound in, NettyOutbound out) {
        Connection[] accepted = new Connection[1];
        in.withConnection(c -> accepted[0] = c);
        Connection inbound = accepted[0];
        Channel channel = inbound.channel();
        if (!meters.tryOpen(settings.maxConnections())) {
            log.debug("Listener '{}': {} connections open, closing the new one from {}", listener,
                    settings.maxConnections(), channel.remoteAddress());
            channel.close();
            return Mono.empty();
        }
        long start = System.nanoTime();
        channel.closeFuture().addListener(f -> meters.closed(System.nanoTime() - start));
        IdleTimeout idle = new IdleTimeout(channel, counter(channel), idleNanos);
        idle.start();
        return connect(0, new HashSet<>())
                .onErrorResume(error -> {
                    meters.upstreamUnavailable();
                    Failure failure = Failure.classify(error);
                    // Counted in loopgate.tcp.connections.rejected{reason=upstream_unavailable}; a log line per
                    // connection would flood the log during an outage.
                    log.debug("Listener '{}': no backend of upstream '{}' answered ({}: {}); closing the connection "
                            + "from {}", listener, upstream.name(), failure.kind(), error.toString(),
                            channel.remoteAddress());
                    return Mono.empty();
                })
                .flatMap(up -> forward(inbound, up, idle))
                .onErrorResume(error -> {
                    log.debug("Listener '{}': connection from {} ended with {}", listener, channel.remoteAddress(),
                            error.toString());
                    return Mono.empty();
                });
    }

    /** Connects to a backend, trying each backend at most once while connecting fails. */
    private Mono<Connection> connect(int attempt, Set<Backend> tried) {
        Backend backend = upstream.pick(attempt);
        for (int i = 0; i < upstream.backends().size() && tried.contains(backend); i++) {
            backend = upstream.pick(attempt);
        }
        Backend picked = backend;
        tried.add(picked);
        picked.acquire();
        return clients.get(picked).connect()
                .<Connection>map(connection -> {
                    connection.onDispose(picked::release);
                    return connection;
                })
                .onErrorResume(error -> {
                    picked.release();
                    Failure failure = Failure.classify(error);
                    if (failure.kind().beforeConnect() && tried.size() < upstream.backends().size()) {
                        log.debug("Listener '{}': backend {} did not answer ({}), trying another", listener, picked,
                                failure.kind());
                        return connect(attempt + 1, tried);
                    }
                    return Mono.error(error);
                });
    }

    private Mono<Void> forward(Connection inbound, Connection up, IdleTimeout idle) {
        Channel client = inbound.channel();
        Channel backend = up.channel();
        client.attr(UPSTREAM).set(backend);
        // A close (or reset) of either side closes the other.
        inbound.onDispose(up);
        up.onDispose(inbound);
        ReadCounter fromClient = counter(client);
        ReadCounter fromBackend = counter(backend);
        idle.upstream(fromBackend);
        boolean splice = settings.spliceEnabled() && Splice.possible(client, backend);
        if (settings.spliceEnabled() && !splice) {
            log.warn("Listener '{}': cannot splice {} to {} (not level-triggered epoll sockets on one loop); "
                    + "copying instead", listener, client, backend);
        }
        client.attr(SPLICED).set(splice);
        return Mono.when(direction(inbound, fromClient, up, splice), direction(up, fromBackend, inbound, splice))
                .doFinally(signal -> up.dispose());
    }

    /**
     * One direction, spliced or copied. A peer that sends and half-closes at once can have its bytes read (into
     * Reactor Netty's inbound queue) while the backend is still being connected, since Netty reads on EPOLLRDHUP
     * whatever the demand; those bytes are only reachable by copying, so such a direction is copied.
     */
    private static Mono<Void> direction(Connection from, ReadCounter fromCounter, Connection to, boolean splice) {
        if (splice && fromCounter.total() == 0) {
            return Splice.forward(from.channel(), to.channel(), fromCounter::total).then(shutdownOutput(to.channel()));
        }
        return copy(from, to);
    }

    /** Copies {@code from}'s input to {@code to} until {@code from}'s peer half-closes, then half-closes {@code to}. */
    private static Mono<Void> copy(Connection from, Connection to) {
        Flux<ByteBuf> data = from.inbound().receiveObject()
                .takeUntil(message -> message == EndOfInput.MARKER)
                .handle((message, sink) -> {
                    if (message instanceof ByteBuf buffer) {
                        // Reactor Netty releases what it emitted once onNext returns; the write releases this.
                        sink.next(buffer.retain());
                    }
                });
        return to.outbound().send(data).then().then(shutdownOutput(to.channel()));
    }

    private static Mono<Void> shutdownOutput(Channel channel) {
        return Mono.fromRunnable(() -> {
            if (channel instanceof DuplexChannel duplex && channel.isActive()) {
                duplex.shutdownOutput();
            }
        });
    }

    private static ReadCounter counter(Channel channel) {
        return (ReadCounter) channel.config().getRecvByteBufAllocator();
    }
}
