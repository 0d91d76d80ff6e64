package io.loopgate.proxy.tcp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * Turns the peer's FIN into an in-band marker. With half-closure allowed, Netty reports a FIN as a user event
 * and Reactor Netty ignores it, so a connection's inbound flux would never complete; the marker follows every
 * byte read before the FIN through Reactor Netty's inbound queue, so the copy ends exactly after the last byte.
 */
final class EndOfInput extends ChannelInboundHandlerAdapter {

    /** Name of the handler in the pipeline. */
    static final String NAME = "loopgate.tcp.endOfInput";

    /** The marker; not reference-counted. */
    static final Object MARKER = new Object() {
        @Override
        public String toString() {
            return "end of input";
        }
    };

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownEvent.INSTANCE) {
            ctx.fireChannelRead(MARKER);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public boolean isSharable() {
        return true;
    }
}
