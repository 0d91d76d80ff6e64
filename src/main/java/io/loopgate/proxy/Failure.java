package io.loopgate.proxy;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquirePendingLimitException;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquireTimeoutException;

/**
 * A proxying failure classified by the side it came from and its kind. {@link #classify} is the one place
 * that maps exceptions to kinds; {@link Kind} carries the HTTP status and error code answered for it.
 *
 * @param side where the failure happened
 * @param kind what happened
 * @param cause the original exception
 */
public record Failure(Side side, Kind kind, Throwable cause) {

    /** Where a failure happened. */
    public enum Side { UPSTREAM, DOWNSTREAM, INTERNAL }

    /** What happened, with the status and error code a client gets when nothing was sent yet. */
    public enum Kind {
        CONNECT_REFUSED(502, "upstream_unavailable", true),
        CONNECT_TIMEOUT(504, "upstream_timeout", true),
        RESPONSE_TIMEOUT(504, "upstream_timeout", false),
        RESET_BEFORE_RESPONSE(502, "upstream_unavailable", false),
        POOL_EXHAUSTED(503, "upstream_unavailable", true),
        PROTOCOL_ERROR(502, "upstream_unavailable", false),
        BODY_TOO_LARGE(413, "body_too_large", false),
        CLIENT_GONE(499, "client_closed", false),
        INTERNAL(500, "internal_error", false);

        private final int status;
        private final String error;
        private final boolean beforeConnect;

        Kind(int status, String error, boolean beforeConnect) {
            this.status = status;
            this.error = error;
            this.beforeConnect = beforeConnect;
        }

        /** The HTTP status answered. */
        public int status() {
            return status;
        }

        /** The {@code error} field of the JSON body. */
        public String error() {
            return error;
        }

        /** True when no byte reached the backend, so another backend may be tried. */
        public boolean beforeConnect() {
            return beforeConnect;
        }
    }

    /**
     * Classifies an exchange error; when the client's connection is already closed the failure is the client's
     * leaving (whatever the exception says), which nobody can be answered for.
     */
    public static Failure classify(Throwable error, boolean clientConnected) {
        return clientConnected ? classify(error) : new Failure(Side.DOWNSTREAM, Kind.CLIENT_GONE, error);
    }

    /** Classifies an upstream-exchange error. */
    public static Failure classify(Throwable error) {
        Throwable t = error;
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
            if (t instanceof BodyTooLargeException) {
                return new Failure(Side.DOWNSTREAM, Kind.BODY_TOO_LARGE, error);
            }
            if (t instanceof ConnectTimeoutException) {
                return new Failure(Side.UPSTREAM, Kind.CONNECT_TIMEOUT, error);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException) {
                return new Failure(Side.UPSTREAM, Kind.CONNECT_REFUSED, error);
            }
            if (t instanceof ReadTimeoutException || t instanceof TimeoutException) {
                return new Failure(Side.UPSTREAM, Kind.RESPONSE_TIMEOUT, error);
            }
            if (t instanceof PoolAcquireTimeoutException || t instanceof PoolAcquirePendingLimitException) {
                return new Failure(Side.UPSTREAM, Kind.POOL_EXHAUSTED, error);
            }
            if (t instanceof PrematureCloseException || t instanceof ClosedChannelException
                    || t instanceof java.io.IOException) {
                return new Failure(Side.UPSTREAM, Kind.RESET_BEFORE_RESPONSE, error);
            }
            if (t instanceof io.netty.handler.codec.DecoderException) {
                return new Failure(Side.UPSTREAM, Kind.PROTOCOL_ERROR, error);
            }
        }
        return new Failure(Side.INTERNAL, Kind.INTERNAL, error);
    }
}
