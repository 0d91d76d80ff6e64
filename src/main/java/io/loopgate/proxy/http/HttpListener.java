package io.loopgate.proxy.http;

import io.loopgate.config.ListenerProperties;
import io.loopgate.loop.LoopGroup;
import io.loopgate.proxy.Listener;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** An HTTP/1.1 listener: its own Reactor Netty server on its loop group. */
final class HttpListener implements Listener {

    private static final Logger log = LoggerFactory.getLogger(HttpListener.class);

    private final String name;
    private final ListenerProperties settings;
    private final LoopGroup group;
    private final HttpForwarder forwarder;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile DisposableServer server;

    HttpListener(String name, ListenerProperties settings, LoopGroup group, HttpForwarder forwarder) {
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
        HttpServer http = HttpServer.create()
                .host(settings.host())
                .port(settings.port())
                .channelGroup(channels)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .handle(forwarder::handle);
        server = group.configure(http).bindNow();
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
            log.warn("Listener '{}': in-flight requests did not finish within {}; closing {} connection(s)", name,
                    gracePeriod, channels.size());
        }
        channels.close().awaitUninterruptibly(5000);
    }
}
