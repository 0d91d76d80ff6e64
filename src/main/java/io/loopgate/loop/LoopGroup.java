package io.loopgate.loop;

import io.loopgate.config.LoopGroupProperties;
import io.loopgate.config.LoopGroupProperties.Transport;
import io.loopgate.config.LoopGroupProperties.TriggerMode;
import io.loopgate.config.LoopGroupProperties.WaitStrategy;
import io.netty.channel.Channel;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * A named group of event loops with its settings. It owns its Netty groups (and shuts them down), and hands
 * Reactor Netty servers and clients the {@link LoopResources} and channel options that put every channel of a
 * listener — listening socket, accepted connections, upstream connections — on this group with its trigger
 * mode. Client channels are colocated: a connection opened from a loop of this group lives on that loop.
 */
public final class LoopGroup {

    private final String name;
    private final LoopGroupProperties settings;
    private final int threads;
    private final EventLoopGroup workers;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup colocated;
    private final Resources resources = new Resources();
    private final List<LoopStats> stats = new ArrayList<>();

    LoopGroup(String name, LoopGroupProperties settings) {
        LoopInstrumentation.install(); // before the first EpollEventLoop exists, however the application started
        this.name = name;
        this.settings = settings;
        this.threads = settings.effectiveThreads();
        this.workers = newEventLoopGroup(threads, new LoopThreadFactory(this, false), false);
        this.acceptors = settings.acceptorThreads() > 0
                ? newEventLoopGroup(settings.acceptorThreads(), new LoopThreadFactory(this, true), true) : null;
        this.colocated = LoopResources.colocate(workers);
    }

    @SuppressWarnings("deprecation") // the only EpollEventLoopGroup constructor that takes maxEventsAtOnce
    private EventLoopGroup newEventLoopGroup(int count, ThreadFactory threadFactory, boolean acceptor) {
        if (settings.transport() == Transport.EPOLL) {
            SelectStrategyFactory base = settings.waitStrategy() == WaitStrategy.BUSY_POLL
                    ? () -> BusyPollSelectStrategy.INSTANCE : DefaultSelectStrategyFactory.INSTANCE;
            CountingSelectStrategy.Factory strategies = new CountingSelectStrategy.Factory(base, name, acceptor);
            EpollEventLoopGroup group = new EpollEventLoopGroup(count, threadFactory,
                    settings.effectiveMaxEventsPerWait(), strategies);
            group.setIoRatio(settings.ioRatio());
            stats.addAll(strategies.attach(group));
            return group;
        }
        CountingSelectStrategy.Factory strategies = new CountingSelectStrategy.Factory(
                DefaultSelectStrategyFactory.INSTANCE, name, acceptor);
        NioEventLoopGroup group = new NioEventLoopGroup(count, threadFactory,
                java.nio.channels.spi.SelectorProvider.provider(), strategies);
        group.setIoRatio(settings.ioRatio());
        stats.addAll(strategies.attach(group));
        return group;
    }

    /** Live figures of each loop: I/O loops first, then accept loops. */
    public List<LoopStats> loopStats() {
        return List.copyOf(stats);
    }

    /** Whether the exact epoll_wait and wakeup figures are recorded for this group's loops. */
    public boolean instrumented() {
        return !stats.isEmpty() && stats.stream().allMatch(LoopStats::instrumented);
    }

    /** The group's name, as configured under {@code loopgate.loop-groups}. */
    public String name() {
        return name;
    }

    /** The group's configured settings. */
    public LoopGroupProperties settings() {
        return settings;
    }

    /** Number of I/O event loops. */
    public int threads() {
        return threads;
    }

    /** {@code epoll} or {@code nio}. */
    public String transportName() {
        return settings.transport().name().toLowerCase();
    }

    /** {@code edge}, {@code level}, or {@code none} on nio. */
    public String triggerModeName() {
        return settings.transport() == Transport.EPOLL ? settings.effectiveTriggerMode().name().toLowerCase() : "none";
    }

    /**
     * Index (0-based) of the I/O loop the caller runs on, or -1 when the caller is not one of this group's
     * I/O loops. Callers keep per-loop resources (connection pools) in arrays indexed by it.
     */
    public int currentLoopIndex() {
        return Thread.currentThread() instanceof LoopThread t && t.group() == this && !t.acceptor() ? t.index() : -1;
    }

    /** Names of this group's loop threads: I/O loops first, then accept loops. */
    public List<String> loopNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            names.add("loopgate-" + name + "-" + i);
        }
        for (int i = 0; i < settings.acceptorThreads(); i++) {
            names.add("loopgate-" + name + "-accept-" + i);
        }
        return names;
    }

    /** Puts the server's listening socket and accepted connections on this group, with its trigger mode. */
    public HttpServer configure(HttpServer server) {
        HttpServer configured = server.runOn(resources, true);
        EpollMode mode = epollMode();
        return mode == null ? configured
                : configured.option(EpollChannelOption.EPOLL_MODE, mode).childOption(EpollChannelOption.EPOLL_MODE, mode);
    }

    /** Puts the server's listening socket and accepted connections on this group, with its trigger mode. */
    public TcpServer configure(TcpServer server) {
        TcpServer configured = server.runOn(resources, true);
        EpollMode mode = epollMode();
        return mode == null ? configured
                : configured.option(EpollChannelOption.EPOLL_MODE, mode).childOption(EpollChannelOption.EPOLL_MODE, mode);
    }

    /** Puts the client's connections on this group (on the caller's loop), with its trigger mode. */
    public HttpClient configure(HttpClient client) {
        HttpClient configured = client.runOn(resources, true);
        EpollMode mode = epollMode();
        return mode == null ? configured : configured.option(EpollChannelOption.EPOLL_MODE, mode);
    }

    /** Puts the client's connections on this group (on the caller's loop), with its trigger mode. */
    public TcpClient configure(TcpClient client) {
        TcpClient configured = client.runOn(resources, true);
        EpollMode mode = epollMode();
        return mode == null ? configured : configured.option(EpollChannelOption.EPOLL_MODE, mode);
    }

    /** The trigger mode a channel was registered with: {@code edge}, {@code level}, or {@code none} (nio). */
    public static String triggerModeOf(Channel channel) {
        if (channel.config() instanceof io.netty.channel.epoll.EpollChannelConfig config) {
            return config.getEpollMode() == EpollMode.EDGE_TRIGGERED ? "edge" : "level";
        }
        return "none";
    }

    private EpollMode epollMode() {
        if (settings.transport() != Transport.EPOLL) {
            return null;
        }
        return settings.effectiveTriggerMode() == TriggerMode.LEVEL ? EpollMode.LEVEL_TRIGGERED : EpollMode.EDGE_TRIGGERED;
    }

    EventLoopGroup workers() {
        return workers;
    }

    EventLoopGroup acceptors() {
        return acceptors;
    }

    /** Each I/O loop of the group, in index order. */
    List<EventExecutor> workerLoops() {
        List<EventExecutor> loops = new ArrayList<>();
        workers.forEach(loops::add);
        return loops;
    }

    /** Shuts the group's loops down, waiting at most {@code timeout}. */
    void shutdown(Duration timeout) {
        List<io.netty.util.concurrent.Future<?>> futures = new ArrayList<>();
        futures.add(workers.shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS));
        if (acceptors != null) {
            futures.add(acceptors.shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS));
        }
        for (io.netty.util.concurrent.Future<?> future : futures) {
            future.awaitUninterruptibly(timeout.toMillis() + 1000);
        }
        stats.forEach(LoopStats::close);
    }

    /** Reactor Netty's view of this group; channel classes are fixed by the transport, never guessed. */
    private final class Resources implements LoopResources {

        @Override
        public EventLoopGroup onServer(boolean useNative) {
            return workers;
        }

        @Override
        public EventLoopGroup onServerSelect(boolean useNative) {
            return acceptors != null ? acceptors : workers;
        }

        @Override
        public EventLoopGroup onClient(boolean useNative) {
            return colocated;
        }

        @Override
        public boolean daemon() {
            return true;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <C extends Channel> C onChannel(Class<C> channelType, EventLoopGroup group) {
            try {
                return (C) onChannelClass(channelType, group).getDeclaredConstructor().newInstance();
            }
            catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Cannot create a " + channelType.getSimpleName(), e);
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public <C extends Channel> Class<? extends C> onChannelClass(Class<C> channelType, EventLoopGroup group) {
            boolean epoll = settings.transport() == Transport.EPOLL;
            if (channelType.equals(SocketChannel.class)) {
                return (Class<? extends C>) (epoll ? EpollSocketChannel.class : NioSocketChannel.class);
            }
            if (channelType.equals(ServerSocketChannel.class)) {
                return (Class<? extends C>) (epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class);
            }
            if (channelType.equals(DatagramChannel.class)) {
                return (Class<? extends C>) (epoll ? EpollDatagramChannel.class : NioDatagramChannel.class);
            }
            throw new IllegalArgumentException("Unsupported channel type: " + channelType.getSimpleName());
        }

        @Override
        public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
            // The owning LoopGroups shuts the group down after every listener has stopped.
            return Mono.empty();
        }
    }
}
