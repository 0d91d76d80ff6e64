package io.loopgate.proxy.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32;

/** Deterministic payloads and checksums for byte-exact comparisons over real sockets. */
final class Streams {

    private Streams() {
    }

    /** Checksum and size of what was read. */
    record Digest(long bytes, long crc) {
    }

    /** Connects to the gateway on 127.0.0.1. */
    static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.setSoTimeout(30_000);
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return socket;
    }

    /** Writes {@code size} pseudo-random bytes of {@code seed} and returns their digest. */
    static Digest write(OutputStream out, long size, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        CRC32 crc = new CRC32();
        byte[] chunk = new byte[64 * 1024];
        long left = size;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            for (int i = 0; i < n; i += 8) {
                long r = random.nextLong();
                for (int j = 0; j < 8 && i + j < n; j++) {
                    chunk[i + j] = (byte) (r >>> (j * 8));
                }
            }
            crc.update(chunk, 0, n);
            out.write(chunk, 0, n);
            left -= n;
        }
        out.flush();
        return new Digest(size, crc.getValue());
    }

    /** Reads until end of stream and returns the digest. */
    static Digest readAll(InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            crc.update(buffer, 0, n);
            total += n;
        }
        return new Digest(total, crc.getValue());
    }

    /**
     * Sends {@code size} bytes through an echo, half-closes, reads the echo to its end: the digest sent and the
     * digest received.
     */
    static Digest[] echo(int port, long size, long seed) throws Exception {
        try (Socket socket = connect(port)) {
            CompletableFuture<Digest> sent = new CompletableFuture<>();
            Thread writer = new Thread(() -> {
                try {
                    Digest d = write(socket.getOutputStream(), size, seed);
                    socket.shutdownOutput();
                    sent.complete(d);
                }
                catch (IOException | RuntimeException e) {
                    sent.completeExceptionally(e);
                }
            }, "test-client-writer");
            writer.setDaemon(true);
            writer.start();
            Digest received = readAll(socket.getInputStream());
            return new Digest[] {sent.get(), received};
        }
    }
}
