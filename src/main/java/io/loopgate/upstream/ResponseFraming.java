package io.loopgate.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/**
 * Behind the upstream connection's HTTP codec: a response whose framing is ambiguous (more than one
 * {@code Content-Length}, or a {@code Transfer-Encoding} other than a single {@code chunked}, which Netty's
 * decoder reads as "until close") or that the decoder could not parse fails the exchange with an
 * {@link UpstreamProtocolException} (502) and the connection is closed, never relayed or pooled. Why our own:
 * Netty's response decoder accepts those framings, and reports parse errors as plain
 * {@code IllegalArgumentException}s that cannot be told apart from our own bugs.
 */
final class ResponseFraming extends ChannelInboundHandlerAdapter {

    private boolean broken;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (broken) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpObject object) {
            DecoderResult result = object.decoderResult();
            String problem = result.isFailure() ? "unparseable response: " + result.cause()
                    : msg instanceof HttpResponse response ? ambiguity(response.headers()) : null;
            if (problem != null) {
                broken = true;
                if (msg instanceof HttpResponse) {
                    object.setDecoderResult(DecoderResult.failure(new UpstreamProtocolException(problem,
                            result.cause())));
                    ctx.fireChannelRead(msg);
                }
                else {
                    ReferenceCountUtil.release(msg);
                    ctx.fireExceptionCaught(new UpstreamProtocolException(problem, result.cause()));
                }
                ctx.close();
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    static String ambiguity(HttpHeaders headers) {
        List<String> lengths = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (lengths.size() > 1 || (lengths.size() == 1 && lengths.get(0).indexOf(',') >= 0)) {
            return "more than one content-length " + lengths;
        }
        List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (codings.isEmpty()) {
            return null;
        }
        if (codings.size() > 1 || !HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(codings.get(0).strip())) {
            return "transfer-encoding other than a single chunked " + codings;
        }
        if (!lengths.isEmpty()) {
            return "both content-length and transfer-encoding";
        }
        return null;
    }

    /** An upstream response that cannot be relayed safely; classified as a protocol error (502). */
    static final class UpstreamProtocolException extends DecoderException {
        private static final long serialVersionUID = 1L;

        UpstreamProtocolException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
