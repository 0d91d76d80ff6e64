package io.loopgate.proxy.http;

import io.loopgate.config.ListenerProperties;
import io.loopgate.loop.LoopGroup;
import io.loopgate.proxy.Listener;
import io.micrometer.core.instrument.Counter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.DisposableServer;
import reactor.netty.NettyPipeline;
import reactor.netty.channel.ChannelOperations;
import reactor.netty.http.server.HttpServer;

/**
 * An HTTP/1.1 listener: its own Reactor Netty server on its loop group, with strict request framing and the
 * listener's limits in front of Netty's codec, a connection limit, and a graceful stop.
 */
final class HttpListener implements Listener {

    private static final Logger log = LoggerFactory.getLogger(HttpListener.class);
    private static final String FRAMING = "loopgate.requestFraming";
    private static final String PROGRESS = "loopgate.responseProgress";

    private final String name;
    private final ListenerProperties settings;
    private final LoopGroup group;
    private final HttpForwarder forwarder;
    private final Counter rejectedConnections;
    private final RequestFraming.Observer rejections;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger open = new AtomicInteger();
    private volatile DisposableServer server;

    HttpListener(String name, ListenerProperties settings, LoopGroup group, HttpForwarder forwarder,
            Counter rejectedConnections, RequestFraming.Observer rejections) {
        this.name = name;
        this.settings = settings;
        this.group = group;
        this.forwarder = forwarder;
        this.rejectedConnections = rejectedConnections;
        this.rejections = rejections;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() {
        // Netty's own limits sit above ours, so the exact status and JSON answer always come from RequestFraming.
        int slack = 1024;
        HttpServer http = HttpServer.create()
                .host(settings.host())
                .port(settings.port())
                .channelGroup(channels)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .idleTimeout(settings.effectiveIdleTimeout())
                .httpRequestDecoder(spec -> spec
                        .maxInitialLineLength(Math.max(settings.effectiveMaxRequestLine(), 4096) + slack)
                        .maxHeaderSize(settings.effectiveMaxHeadersSize() + slack)
                        .validateHeaders(true)
                        .allowDuplicateContentLengths(false))
                .doOnChannelInit((observer, channel, remote) -> initChannel(channel))
                .handle(forwarder::handle);
        server = group.configure(http).bindNow();
    }

    private void initChannel(Channel channel) {
        int max = settings.maxConnections();
        if (max > 0) {
            if (open.incrementAndGet() > max) {
                open.decrementAndGet();
                rejectedConnections.increment();
                // Refused at once: a reset, not a connection that hangs or half-works.
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
                channel.close();
                return;
            }
            channel.closeFuture().addListener(f -> open.decrementAndGet());
        }
        if (channel.pipeline().get(NettyPipeline.HttpCodec) == null) {
            return;
        }
        RequestFraming framing = new RequestFraming(settings.effectiveMaxRequestLine(),
                settings.effectiveMaxHeaderSize(), settings.effectiveMaxHeadersSize(),
                settings.effectiveMaxHeaderCount(), settings.effectiveRequestHeaderTimeout().toNanos(), rejections);
        channel.pipeline()
                .addBefore(NettyPipeline.HttpCodec, FRAMING, framing)
                .addAfter(NettyPipeline.HttpCodec, PROGRESS, new ResponseProgress(framing));
    }

    @Override
    public int port() {
        DisposableServer s = server;
        return s == null ? -1 : s.port();
    }

    @Override
    public void stop(Duration gracePeriod) {
        DisposableServer s = server;
        if (s == null) {
            return;
        }
        long deadline = System.nanoTime() + gracePeriod.toNanos();
        // From now on every response says "Connection: close" and its connection closes after it.
        forwarder.drain();
        s.dispose();
        s.onDispose().block(Duration.ofSeconds(10));
        // Reactor Netty's disposeNow decides "idle" on the caller's thread, racing with a request being read on the
        // loop; here each connection is looked at on its own loop, where no read can slip in between.
        while (!channels.isEmpty() && System.nanoTime() < deadline) {
            for (Channel channel : channels) {
                channel.eventLoop().execute(() -> {
                    if (ChannelOperations.get(channel) == null) {
                        channel.close();
                    }
                });
            }
            channels.newCloseFuture().awaitUninterruptibly(Math.min(50,
                    Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
        }
        if (!channels.isEmpty()) {
            log.warn("Listener '{}': in-flight requests did not finish within {}; closing {} connection(s)", name,
                    gracePeriod, channels.size());
        }
        channels.close().awaitUninterruptibly(5000);
    }
}
