package io.loopgate.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Strict HTTP/1.1 request framing (RFC 9112) checked on the raw bytes in front of Netty's request decoder, which
 * only ever sees what was accepted here. Why our own: Netty 4.1's {@code HttpObjectDecoder} accepts obs-fold
 * lines, bare LF, loose chunk-size lines and a non-chunked {@code Transfer-Encoding} (reading no body at all), and
 * {@code HttpServerCodec} is final, so there is no hook to refuse them there.
 *
 * <p>A rejected request is answered with the JSON error body and {@code Connection: close} (after any earlier
 * pipelined responses), nothing behind it is read, and the connection is closed. The limits (request line, single
 * header, header section, header count) and the request-header timeout (slowloris: 408) are enforced here too.
 */
final class RequestFraming extends ByteToMessageDecoder {

    /** Why a request was refused. */
    enum Rejection {
        BAD_REQUEST(400, "Bad Request", "bad_request"),
        METHOD_NOT_ALLOWED(405, "Method Not Allowed", "method_not_allowed"),
        REQUEST_TIMEOUT(408, "Request Timeout", "request_timeout"),
        URI_TOO_LONG(414, "URI Too Long", "uri_too_long"),
        HEADERS_TOO_LARGE(431, "Request Header Fields Too Large", "headers_too_large"),
        NOT_IMPLEMENTED(501, "Not Implemented", "not_implemented"),
        VERSION_NOT_SUPPORTED(505, "HTTP Version Not Supported", "version_not_supported");

        final int status;
        final String reason;
        final String error;

        Rejection(int status, String reason, String error) {
            this.status = status;
            this.reason = reason;
            this.error = error;
        }
    }

    /** Told about every refused request (metrics). */
    interface Observer {
        void rejected(String method, Rejection rejection);
    }

    /** The methods a 405 lists in {@code Allow}: everything but CONNECT. */
    static final String ALLOW = "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, TRACE";

    private static final int MAX_CHUNK_LINE = 4096;
    private static final boolean[] TCHAR = new boolean[256];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private enum State { START, REQUEST_LINE, HEADERS, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, REJECTED }

    private final int maxRequestLine;
    private final int maxHeaderSize;
    private final int maxHeadersSize;
    private final int maxHeaderCount;
    private final long headerTimeoutNanos;
    private final Observer observer;

    private State state = State.START;
    private ScheduledFuture<?> headerTimer;
    private boolean firstRequest = true;
    /** Requests handed on whose response has not been written completely. */
    private int outstanding;
    private boolean responseStarted;
    private Rejection pending;

    // The message being read.
    private String method;
    private boolean http11;
    private String absoluteAuthority;
    private int headerCount;
    private int headersSize;
    private int hostCount;
    private String host;
    private int contentLengthCount;
    private long contentLength;
    private StringBuilder transferEncoding;
    private long remaining;

    RequestFraming(int maxRequestLine, int maxHeaderSize, int maxHeadersSize, int maxHeaderCount,
            long headerTimeoutNanos, Observer observer) {
        this.maxRequestLine = maxRequestLine;
        this.maxHeaderSize = maxHeaderSize;
        this.maxHeadersSize = maxHeadersSize;
        this.maxHeaderCount = maxHeaderCount;
        this.headerTimeoutNanos = headerTimeoutNanos;
        this.observer = observer;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        startHeaderTimer(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelHeaderTimer();
        super.channelInactive(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelHeaderTimer();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        // Accepted bytes are handed on as one slice per call: [passStart, accepted).
        int passStart = in.readerIndex();
        int accepted = passStart;
        loop:
        while (in.isReadable()) {
            switch (state) {
                case START -> {
                    // A message boundary: hand on the previous message's bytes, skip CRLFs between messages.
                    pass(in, passStart, accepted, out);
                    boolean request = skipEmptyLines(ctx, in);
                    passStart = in.readerIndex();
                    accepted = passStart;
                    if (!request) {
                        break loop;
                    }
                }
                case REQUEST_LINE -> {
                    ByteBuf line = line(ctx, in, maxRequestLine, Rejection.URI_TOO_LONG);
                    if (line == null) {
                        break loop;
                    }
                    Rejection r = requestLine(line);
                    if (r != null) {
                        reject(ctx, r);
                        break loop;
                    }
                    accepted = in.readerIndex();
                    state = State.HEADERS;
                }
                case HEADERS -> {
                    int limit = Math.max(0, Math.min(maxHeaderSize, maxHeadersSize - headersSize));
                    ByteBuf line = line(ctx, in, limit, Rejection.HEADERS_TOO_LARGE);
                    if (line == null) {
                        break loop;
                    }
                    Rejection r = line.isReadable() ? headerLine(line, true) : endOfHead();
                    if (r != null) {
                        reject(ctx, r);
                        break loop;
                    }
                    accepted = in.readerIndex();
                    if (!line.isReadable()) {
                        cancelHeaderTimer();
                        outstanding++;
                        responseStarted = false;
                    }
                }
                case BODY -> {
                    int n = (int) Math.min(remaining, in.readableBytes());
                    in.skipBytes(n);
                    accepted = in.readerIndex();
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.START;
                    }
                }
                case CHUNK_SIZE -> {
                    ByteBuf line = line(ctx, in, MAX_CHUNK_LINE, Rejection.BAD_REQUEST);
                    if (line == null) {
                        break loop;
                    }
                    long size = chunkSize(line);
                    if (size < 0) {
                        reject(ctx, Rejection.BAD_REQUEST);
                        break loop;
                    }
                    accepted = in.readerIndex();
                    remaining = size;
                    state = size == 0 ? State.TRAILERS : State.CHUNK_DATA;
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, in.readableBytes());
                    in.skipBytes(n);
                    accepted = in.readerIndex();
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.CHUNK_END;
                    }
                }
                case CHUNK_END -> {
                    if (in.readableBytes() < 2) {
                        break loop;
                    }
                    if (in.getByte(in.readerIndex()) != '\r' || in.getByte(in.readerIndex() + 1) != '\n') {
                        reject(ctx, Rejection.BAD_REQUEST);
                        break loop;
                    }
                    in.skipBytes(2);
                    accepted = in.readerIndex();
                    state = State.CHUNK_SIZE;
                }
                case TRAILERS -> {
                    int limit = Math.max(0, Math.min(maxHeaderSize, maxHeadersSize - headersSize));
                    ByteBuf line = line(ctx, in, limit, Rejection.HEADERS_TOO_LARGE);
                    if (line == null) {
                        break loop;
                    }
                    Rejection r = line.isReadable() ? headerLine(line, false) : null;
                    if (r != null) {
                        reject(ctx, r);
                        break loop;
                    }
                    accepted = in.readerIndex();
                    if (!line.isReadable()) {
                        state = State.START;
                    }
                }
                case REJECTED -> {
                    break loop;
                }
            }
        }
        if (state == State.REJECTED) {
            // Nothing of a refused message is handed on, so a request refused in the packet that carried its
            // head never reaches an upstream.
            in.skipBytes(in.readableBytes());
            return;
        }
        pass(in, passStart, accepted, out);
    }

    private static void pass(ByteBuf in, int from, int to, List<Object> out) {
        if (to > from) {
            out.add(in.retainedSlice(from, to - from));
        }
    }

    /** Skips CRLFs before a request line; false when more bytes are needed or the request was refused. */
    private boolean skipEmptyLines(ChannelHandlerContext ctx, ByteBuf in) {
        while (in.isReadable()) {
            byte b = in.getByte(in.readerIndex());
            if (b == '\r') {
                if (in.readableBytes() < 2) {
                    return false;
                }
                if (in.getByte(in.readerIndex() + 1) != '\n') {
                    reject(ctx, Rejection.BAD_REQUEST);
                    return false;
                }
                in.skipBytes(2);
                continue;
            }
            if (b == '\n') {
                reject(ctx, Rejection.BAD_REQUEST);
                return false;
            }
            resetMessage();
            state = State.REQUEST_LINE;
            if (headerTimer == null) {
                startHeaderTimer(ctx);
            }
            firstRequest = false;
            return true;
        }
        return false;
    }

    /**
     * The next line without its CRLF (a slice of {@code in}, which is advanced past the CRLF), or null when
     * incomplete or refused: longer than {@code limit}, a bare LF, or a CR inside the line.
     */
    private ByteBuf line(ChannelHandlerContext ctx, ByteBuf in, int limit, Rejection tooLong) {
        int start = in.readerIndex();
        int searchable = (int) Math.min(in.readableBytes(), limit + 2L);
        int lf = in.indexOf(start, start + searchable, (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() >= limit + 2L) {
                reject(ctx, tooLong);
            }
            return null;
        }
        if (lf == start || in.getByte(lf - 1) != '\r') {
            reject(ctx, Rejection.BAD_REQUEST);
            return null;
        }
        int length = lf - 1 - start;
        if (length > limit) {
            reject(ctx, tooLong);
            return null;
        }
        if (in.indexOf(start, lf - 1, (byte) '\r') >= 0) {
            reject(ctx, Rejection.BAD_REQUEST);
            return null;
        }
        ByteBuf line = in.slice(start, length);
        in.readerIndex(lf + 1);
        return line;
    }

    private Rejection requestLine(ByteBuf line) {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        int sp1 = text.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : text.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || sp2 == sp1 + 1 || text.indexOf(' ', sp2 + 1) >= 0) {
            return Rejection.BAD_REQUEST;
        }
        String m = text.substring(0, sp1);
        String target = text.substring(sp1 + 1, sp2);
        String version = text.substring(sp2 + 1);
        if (!isToken(m)) {
            return Rejection.BAD_REQUEST;
        }
        method = m;
        if (!version.matches("HTTP/[0-9]\\.[0-9]")) {
            return Rejection.BAD_REQUEST;
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            return Rejection.VERSION_NOT_SUPPORTED;
        }
        http11 = version.equals("HTTP/1.1");
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7F || c == '#') {
                return Rejection.BAD_REQUEST;
            }
        }
        if (m.equals("CONNECT")) {
            return Rejection.METHOD_NOT_ALLOWED;
        }
        if (target.startsWith("/")) {
            return null;
        }
        if (target.equals("*")) {
            return m.equals("OPTIONS") ? null : Rejection.BAD_REQUEST;
        }
        String lower = target.toLowerCase(Locale.ROOT);
        int authorityStart = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
        if (authorityStart < 0) {
            return Rejection.BAD_REQUEST;
        }
        int end = authorityStart;
        while (end < target.length() && target.charAt(end) != '/' && target.charAt(end) != '?') {
            end++;
        }
        absoluteAuthority = target.substring(authorityStart, end);
        return absoluteAuthority.isEmpty() || !validHost(absoluteAuthority) ? Rejection.BAD_REQUEST : null;
    }

    /** Checks one field line ({@code field-name ":" OWS field-value OWS}); header lines also feed the framing. */
    private Rejection headerLine(ByteBuf line, boolean head) {
        if (++headerCount > maxHeaderCount) {
            return Rejection.HEADERS_TOO_LARGE;
        }
        headersSize += line.readableBytes() + 2;
        int start = line.readerIndex();
        int end = line.writerIndex();
        byte first = line.getByte(start);
        if (first == ' ' || first == '\t') {
            return Rejection.BAD_REQUEST; // obs-fold
        }
        int colon = -1;
        for (int i = start; i < end; i++) {
            int b = line.getByte(i) & 0xFF;
            if (b == ':') {
                colon = i;
                break;
            }
            if (!TCHAR[b]) {
                return Rejection.BAD_REQUEST;
            }
        }
        if (colon <= start) {
            return Rejection.BAD_REQUEST;
        }
        for (int i = colon + 1; i < end; i++) {
            int b = line.getByte(i) & 0xFF;
            if ((b < 0x20 && b != '\t') || b == 0x7F) {
                return Rejection.BAD_REQUEST; // NUL, CR, LF and other controls
            }
        }
        if (!head) {
            return null;
        }
        String name = line.toString(start, colon - start, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
        String value = line.toString(colon + 1, end - colon - 1, StandardCharsets.ISO_8859_1).strip();
        switch (name) {
            case "host" -> {
                hostCount++;
                host = value;
            }
            case "content-length" -> {
                for (String element : value.split(",", -1)) {
                    String v = element.strip();
                    if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
                        return Rejection.BAD_REQUEST;
                    }
                    contentLengthCount++;
                    contentLength = Long.parseLong(v);
                }
            }
            case "transfer-encoding" -> {
                if (transferEncoding == null) {
                    transferEncoding = new StringBuilder(value);
                }
                else {
                    transferEncoding.append(',').append(value);
                }
            }
            default -> {
            }
        }
        return null;
    }

    /** The header section is complete: check Host and decide the body framing (RFC 9112 §6.3). */
    private Rejection endOfHead() {
        if (http11 && hostCount == 0 || hostCount > 1) {
            return Rejection.BAD_REQUEST;
        }
        if (host != null && !host.isEmpty() && !validHost(host)) {
            return Rejection.BAD_REQUEST;
        }
        if (absoluteAuthority != null && (host == null || !absoluteAuthority.equalsIgnoreCase(host))) {
            // Routed by Host like any request: the target's authority may not say something else.
            return Rejection.BAD_REQUEST;
        }
        if (contentLengthCount > 1) {
            return Rejection.BAD_REQUEST;
        }
        if (transferEncoding != null) {
            if (!http11 || contentLengthCount > 0) {
                return Rejection.BAD_REQUEST;
            }
            Rejection r = transferCodings(transferEncoding.toString());
            if (r != null) {
                return r;
            }
            state = State.CHUNK_SIZE;
            return null;
        }
        if (contentLengthCount == 1 && contentLength > 0) {
            remaining = contentLength;
            state = State.BODY;
            return null;
        }
        state = State.START;
        return null;
    }

    /** Only a single, final {@code chunked} is understood: 400 when chunked is not last, 501 for other codings. */
    private static Rejection transferCodings(String value) {
        boolean other = false;
        int chunked = 0;
        String last = null;
        for (String element : value.split(",", -1)) {
            String coding = element.strip();
            if (coding.isEmpty()) {
                continue;
            }
            int semicolon = coding.indexOf(';');
            String name = (semicolon < 0 ? coding : coding.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
            if (!isToken(name)) {
                return Rejection.BAD_REQUEST;
            }
            if (name.equals("chunked")) {
                chunked++;
                if (semicolon >= 0) {
                    return Rejection.BAD_REQUEST;
                }
            }
            else {
                other = true;
            }
            last = name;
        }
        if (chunked != 1 || !"chunked".equals(last)) {
            return Rejection.BAD_REQUEST;
        }
        return other ? Rejection.NOT_IMPLEMENTED : null;
    }

    /**
     * {@code chunk-size [ chunk-ext ]} with {@code chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )};
     * the size, or -1 when the line is malformed or the size exceeds 2^31-1.
     */
    static long chunkSize(ByteBuf line) {
        String s = line.toString(StandardCharsets.ISO_8859_1);
        int i = 0;
        long size = 0;
        while (i < s.length() && Character.digit(s.charAt(i), 16) >= 0) {
            size = size * 16 + Character.digit(s.charAt(i), 16);
            if (size > Integer.MAX_VALUE) {
                return -1;
            }
            i++;
        }
        if (i == 0) {
            return -1;
        }
        while (i < s.length()) {
            i = skipWhitespace(s, i);
            if (i >= s.length() || s.charAt(i) != ';') {
                return -1;
            }
            i = skipWhitespace(s, i + 1);
            int nameStart = i;
            while (i < s.length() && TCHAR[s.charAt(i) & 0xFF] && s.charAt(i) < 0x80) {
                i++;
            }
            if (i == nameStart) {
                return -1;
            }
            int afterName = skipWhitespace(s, i);
            if (afterName < s.length() && s.charAt(afterName) == '=') {
                i = skipWhitespace(s, afterName + 1);
                if (i < s.length() && s.charAt(i) == '"') {
                    i++;
                    boolean closed = false;
                    while (i < s.length()) {
                        char c = s.charAt(i);
                        if (c == '"') {
                            closed = true;
                            i++;
                            break;
                        }
                        if (c == '\\') {
                            i++;
                            if (i >= s.length() || (s.charAt(i) < 0x20 && s.charAt(i) != '\t') || s.charAt(i) == 0x7F) {
                                return -1;
                            }
                        }
                        else if ((c < 0x20 && c != '\t') || c == 0x7F) {
                            return -1;
                        }
                        i++;
                    }
                    if (!closed) {
                        return -1;
                    }
                }
                else {
                    int valueStart = i;
                    while (i < s.length() && TCHAR[s.charAt(i) & 0xFF] && s.charAt(i) < 0x80) {
                        i++;
                    }
                    if (i == valueStart || (i < s.length() && s.charAt(i) != ';')) {
                        // Netty's decoder refuses whitespace after a token value, so it is refused here already.
                        return -1;
                    }
                }
            }
            else {
                i = afterName;
            }
        }
        return size;
    }

    private static int skipWhitespace(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || !TCHAR[c]) {
                return false;
            }
        }
        return true;
    }

    /** {@code uri-host [ ":" port ]}: a reg-name, IPv4 or bracketed IP literal, and an optional numeric port. */
    static boolean validHost(String value) {
        String hostPart = value;
        String port = null;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                return false;
            }
            String literal = value.substring(1, close);
            if (literal.isEmpty() || !literal.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return false;
            }
            String rest = value.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return false;
                }
                port = rest.substring(1);
            }
            hostPart = null;
        }
        else {
            int colon = value.indexOf(':');
            if (colon >= 0) {
                hostPart = value.substring(0, colon);
                port = value.substring(colon + 1);
            }
        }
        if (hostPart != null) {
            if (hostPart.isEmpty()) {
                return false;
            }
            for (int i = 0; i < hostPart.length(); i++) {
                char c = hostPart.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || "-._~%!$&'()*+,;=".indexOf(c) >= 0;
                if (!ok) {
                    return false;
                }
            }
        }
        return port == null || (port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9'));
    }

    private void resetMessage() {
        method = null;
        http11 = false;
        absoluteAuthority = null;
        headerCount = 0;
        headersSize = 0;
        hostCount = 0;
        host = null;
        contentLengthCount = 0;
        contentLength = 0;
        transferEncoding = null;
        remaining = 0;
    }

    // --- Responses, written by ResponseProgress on the other side of the codec ---

    /** A response head for the current request went out. */
    void responseStarted() {
        responseStarted = true;
    }

    /** A response was written completely; a refusal waiting behind it can go now. */
    void responseCompleted(ChannelHandlerContext ctx) {
        if (outstanding > 0) {
            outstanding--;
        }
        if (pending != null && outstanding == 0) {
            Rejection r = pending;
            pending = null;
            answer(ctx, r);
        }
    }

    /** Netty's decoder refused a request this handler let through: answer it like our own refusals. */
    void decoderFailed(ChannelHandlerContext ctx) {
        if (outstanding > 0) {
            outstanding--;
        }
        reject(ctx, Rejection.BAD_REQUEST);
    }

    private void reject(ChannelHandlerContext ctx, Rejection rejection) {
        if (state == State.REJECTED) {
            return;
        }
        boolean inBody = state == State.BODY || state == State.CHUNK_SIZE || state == State.CHUNK_DATA
                || state == State.CHUNK_END || state == State.TRAILERS;
        state = State.REJECTED;
        cancelHeaderTimer();
        observer.rejected(method == null ? "OTHER" : method, rejection);
        if (inBody) {
            // The request is already being forwarded: answer only if nothing of its response went out yet.
            if (outstanding <= 1 && !responseStarted) {
                answer(ctx, rejection);
            }
            else {
                ctx.close();
            }
            return;
        }
        if (outstanding == 0) {
            answer(ctx, rejection);
        }
        else {
            pending = rejection;
        }
    }

    private void answer(ChannelHandlerContext ctx, Rejection r) {
        byte[] body = ErrorResponses.json(r.status, r.error, null).getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + r.status + " " + r.reason + "\r\n"
                + "content-type: application/json\r\n"
                + "content-length: " + body.length + "\r\n"
                + (r == Rejection.METHOD_NOT_ALLOWED ? "allow: " + ALLOW + "\r\n" : "")
                + "connection: close\r\n\r\n";
        ByteBuf buf = ctx.alloc().buffer(head.length() + body.length);
        buf.writeCharSequence(head, StandardCharsets.ISO_8859_1);
        buf.writeBytes(body);
        ctx.writeAndFlush(buf).addListener((ChannelFutureListener) f -> lingeringClose(ctx));
    }

    /**
     * Half-closes and drains what the client is still sending for a moment before closing, so the answer is not
     * destroyed by a reset from unread input.
     */
    private static void lingeringClose(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        if (!(channel instanceof DuplexChannel duplex) || !channel.isActive()) {
            channel.close();
            return;
        }
        duplex.shutdownOutput().addListener(f -> {
            channel.config().setAutoRead(true);
            ctx.executor().schedule(() -> channel.close(), 2, TimeUnit.SECONDS);
        });
    }

    private void startHeaderTimer(ChannelHandlerContext ctx) {
        cancelHeaderTimer();
        headerTimer = ctx.executor().schedule(() -> headerTimeout(ctx), headerTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void headerTimeout(ChannelHandlerContext ctx) {
        headerTimer = null;
        if (state == State.START && firstRequest) {
            // Connected and sent nothing at all: close without an answer.
            state = State.REJECTED;
            ctx.close();
            return;
        }
        if (state == State.REQUEST_LINE || state == State.HEADERS || state == State.START) {
            reject(ctx, Rejection.REQUEST_TIMEOUT);
        }
    }

    private void cancelHeaderTimer() {
        if (headerTimer != null) {
            headerTimer.cancel(false);
            headerTimer = null;
        }
    }
}
