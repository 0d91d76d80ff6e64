package io.loopgate.loop;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.EpollChannelConfig;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.nio.channels.ClosedChannelException;
import java.util.function.LongSupplier;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Kernel-side forwarding between two epoll sockets with {@code splice(2)} (Netty's
 * {@code AbstractEpollStreamChannel.spliceTo}): bytes go socket → pipe → socket without being copied into user
 * space. Netty allows it only between level-triggered channels on the same event loop.
 *
 * <p>Netty's splice reads until {@code splice(2)} returns 0, which means both "nothing to read now" and "end of
 * stream", so the end of a half-closed input cannot be seen from splice alone. {@link #forward} therefore
 * watches the input-shutdown event (the peer's FIN) and the bytes read in each read round (the caller's
 * counter): the input is drained when, after the FIN, a round reads nothing while no spliced bytes are waiting
 * in the target's outbound buffer. Reading then stops, which also ends the busy re-reads a level-triggered
 * socket at end of stream would otherwise cause.
 */
public final class Splice {

    private Splice() {
    }

    /**
     * Whether {@code a} and {@code b} can be spliced to each other: both epoll stream sockets, both
     * level-triggered, on the same event loop.
     */
    public static boolean possible(Channel a, Channel b) {
        return a instanceof AbstractEpollStreamChannel && b instanceof AbstractEpollStreamChannel
                && a.eventLoop() == b.eventLoop() && levelTriggered(a) && levelTriggered(b);
    }

    private static boolean levelTriggered(Channel channel) {
        return channel.config() instanceof EpollChannelConfig config
                && config.getEpollMode() == EpollMode.LEVEL_TRIGGERED;
    }

    /**
     * Forwards everything {@code from} receives to {@code to} inside the kernel, from now until {@code from}'s
     * peer has shut down its output (FIN) and every byte has been handed to {@code to}'s socket. The caller then
     * decides what to do with {@code to} (typically shut its output down). The returned Mono errors when either
     * side fails or closes first, and completes at once when {@code from}'s input has already ended. Both channels must satisfy {@link #possible}; nothing may read {@code from}
     * through its pipeline meanwhile.
     *
     * @param bytesRead cumulative bytes read from {@code from}, updated before each {@code channelReadComplete}
     *     (the caller counts them with a {@link io.netty.channel.RecvByteBufAllocator} wrapper, which also sees
     *     spliced reads)
     */
    public static Mono<Void> forward(Channel from, Channel to, LongSupplier bytesRead) {
        if (!possible(from, to)) {
            return Mono.error(new IllegalArgumentException(
                    "splice needs two level-triggered epoll sockets on the same event loop"));
        }
        return Mono.create(sink -> {
            if (from.eventLoop().inEventLoop()) {
                start((AbstractEpollStreamChannel) from, (AbstractEpollStreamChannel) to, bytesRead, sink);
            }
            else {
                from.eventLoop().execute(() ->
                        start((AbstractEpollStreamChannel) from, (AbstractEpollStreamChannel) to, bytesRead, sink));
            }
        });
    }

    @SuppressWarnings("deprecation") // spliceTo is deprecated in 4.1 for removal in a later major version
    private static void start(AbstractEpollStreamChannel from, AbstractEpollStreamChannel to, LongSupplier bytesRead,
            MonoSink<Void> sink) {
        if (from.isInputShutdown()) {
            // The FIN came before splicing started. Netty marks the input shut down only after reading to the end
            // of the stream, so there is nothing left to splice (and the input-shutdown event is gone).
            sink.success();
            return;
        }
        Drain drain = new Drain(from, to, bytesRead, sink);
        from.pipeline().addFirst(drain);
        from.spliceTo(to, Integer.MAX_VALUE).addListener(f -> {
            // Integer.MAX_VALUE never completes successfully: it fails when a side fails or closes.
            if (!f.isSuccess()) {
                drain.fail(f.cause());
            }
        });
        // Netty's splice applies backpressure by itself while autoRead is on: it turns autoRead off while the
        // target cannot take the spliced bytes and back on once they are written.
        from.config().setAutoRead(true);
    }

    /** Watches the source channel for the end of its input. */
    private static final class Drain extends ChannelInboundHandlerAdapter {

        private final Channel from;
        private final Channel to;
        private final LongSupplier bytesRead;
        private final MonoSink<Void> sink;
        private long seen;
        private boolean inputShutdown;
        private boolean done;

        Drain(Channel from, Channel to, LongSupplier bytesRead, MonoSink<Void> sink) {
            this.from = from;
            this.to = to;
            this.bytesRead = bytesRead;
            this.sink = sink;
            this.seen = bytesRead.getAsLong();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownEvent.INSTANCE) {
                inputShutdown = true;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            long total = bytesRead.getAsLong();
            long round = total - seen;
            seen = total;
            if (inputShutdown && round == 0 && !done && nothingPending(to)) {
                done = true;
                from.config().setAutoRead(false);
                sink.success();
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(new ClosedChannelException());
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause);
            ctx.fireExceptionCaught(cause);
        }

        void fail(Throwable cause) {
            if (!done) {
                done = true;
                sink.error(cause);
            }
        }

        private static boolean nothingPending(Channel channel) {
            ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
            return buffer == null || buffer.isEmpty();
        }
    }
}
