package io.loopgate.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A raw HTTP/1.1 client over a plain socket: sends exact bytes and parses exactly what comes back, so tests see
 * framing, headers and connection closes as they are on the wire.
 */
public final class RawHttp implements AutoCloseable {

    /** A parsed response. */
    public record Response(int status, List<String[]> headers, byte[] body) {

        /** First value of header {@code name} (case-insensitive), or null. */
        public String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        /** Whether header {@code name} is present. */
        public boolean has(String name) {
            return header(name) != null;
        }

        /** The body as UTF-8 text. */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Opens a connection, sends {@code request} (CRLFs as given), reads one response, closes. */
    public static Response exchange(int port, String request) throws IOException {
        try (RawHttp http = new RawHttp(port)) {
            http.send(request);
            return http.read(request.startsWith("HEAD "));
        }
    }

    /** A GET with the given extra header lines (each "Name: value"). */
    public static Response get(int port, String path, String... headerLines) throws IOException {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
        boolean host = false;
        for (String line : headerLines) {
            host |= line.toLowerCase(Locale.ROOT).startsWith("host:");
            request.append(line).append("\r\n");
        }
        if (!host) {
            request.append("Host: localhost\r\n");
        }
        request.append("\r\n");
        return exchange(port, request.toString());
    }

    public void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public Socket socket() {
        return socket;
    }

    /** Reads one response; {@code head} means it has no body whatever its headers say. */
    public Response read(boolean head) throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("Connection closed before a response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        List<String[]> headers = new ArrayList<>();
        String line;
        while ((line = line()) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
        Response partial = new Response(status, headers, new byte[0]);
        if (head || status == 204 || status == 304 || status / 100 == 1) {
            return partial;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String te = partial.header("transfer-encoding");
        String cl = partial.header("content-length");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            while (true) {
                String size = line();
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    while ((line = line()) != null && !line.isEmpty()) {
                        // trailers
                    }
                    break;
                }
                body.write(in.readNBytes(n));
                line();
            }
        }
        else if (cl != null) {
            body.write(in.readNBytes(Integer.parseInt(cl)));
        }
        else {
            body.write(in.readAllBytes());
        }
        return new Response(status, headers, body.toByteArray());
    }

    /** True once the peer has closed the connection (reads EOF). */
    public boolean closedByPeer() throws IOException {
        try {
            return in.read() == -1;
        }
        catch (java.net.SocketException e) {
            return true;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] b = bytes.toByteArray();
                int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
                return new String(b, 0, len, StandardCharsets.ISO_8859_1);
            }
            bytes.write(c);
        }
        return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
