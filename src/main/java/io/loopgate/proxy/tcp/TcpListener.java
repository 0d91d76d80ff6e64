package io.loopgate.proxy.tcp;

import io.loopgate.config.ListenerProperties;
import io.loopgate.loop.LoopGroup;
import io.loopgate.proxy.Listener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

/** A TCP listener: its own Reactor Netty server on its loop group, forwarding every connection to its upstream. */
final class TcpListener implements Listener {

    private static final Logger log = LoggerFactory.getLogger(TcpListener.class);

    private final String name;
    private final ListenerProperties settings;
    private final LoopGroup group;
    private final TcpForwarder forwarder;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile DisposableServer server;

    TcpListener(String name, ListenerProperties settings, LoopGroup group, TcpForwarder forwarder) {
        this.name = name;
        this.settings = settings;
        this.group = group;
        this.forwarder = forwarder;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() {
        TcpServer tcp = TcpServer.create()
                .host(settings.host())
                .port(settings.port())
                .channelGroup(channels)
                // A client that shuts down its output still gets the rest of the response.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .doOnChannelInit((observer, channel, address) -> forwarder.initAccepted(channel))
                .handle(forwarder::handle);
        server = group.configure(tcp).bindNow();
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
        try {
            s.disposeNow(gracePeriod.isZero() ? Duration.ofMillis(1) : gracePeriod);
        }
        catch (IllegalStateException e) {
            log.warn("Listener '{}': connections still open after {}; closing {} connection(s)", name, gracePeriod,
                    channels.size());
        }
        channels.close().awaitUninterruptibly(5000);
    }

    /** The accepted connections open now (tests inspect their upstream channels). */
    List<Channel> connections() {
        return List.copyOf(channels);
    }
}
