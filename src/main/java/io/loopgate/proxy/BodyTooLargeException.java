package io.loopgate.proxy;

/**
 * Thrown into a request body stream when the body grows past the route's {@code max-body-size}; classified by
 * {@link Failure#classify} as {@link Failure.Kind#BODY_TOO_LARGE} (413), a downstream failure.
 */
public final class BodyTooLargeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param limit the limit in bytes that was exceeded */
    public BodyTooLargeException(long limit) {
        super("Request body larger than " + limit + " bytes", null, false, false);
    }
}
