package io.loopgate.proxy.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits behind the HTTP codec and tells {@link RequestFraming} (in front of it) when a response starts and ends,
 * so a refusal is written only after the responses pipelined before it; it also turns a request Netty's decoder
 * still refused into our JSON answer instead of Reactor Netty's empty one.
 */
final class ResponseProgress extends ChannelDuplexHandler {

    private final RequestFraming framing;
    private ChannelHandlerContext framingContext;

    ResponseProgress(RequestFraming framing) {
        this.framing = framing;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        framingContext = ctx.pipeline().context(framing);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DecoderResultProvider provider && provider.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            framing.decoderFailed(framingContext);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean informational = msg instanceof HttpResponse response && response.status().code() < 200;
        boolean start = msg instanceof HttpResponse && !informational;
        boolean end = msg instanceof LastHttpContent && !informational;
        ctx.write(msg, promise);
        // After the write: a refusal released by this response is queued behind its last bytes.
        if (start) {
            framing.responseStarted();
        }
        if (end) {
            framing.responseCompleted(framingContext);
        }
    }
}
