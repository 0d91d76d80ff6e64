import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Iterator;

/**
 * Benchmark helper, run as a single-file program ({@code java TcpBench.java ...}); one thread, NIO, so it can
 * share a pinned core without a thread per connection.
 *
 * <pre>
 * java TcpBench.java echo PORT                              echo server on 127.0.0.1:PORT
 * java TcpBench.java rr PORT CONNECTIONS SECONDS SIZE       request/response: each connection sends SIZE bytes
 *                                                          and waits for SIZE bytes back, over and over
 * </pre>
 * rr prints one line: {@code rr connections=.. size=.. seconds=.. exchanges=.. rate=../s p50_us=.. p99_us=..}.
 */
public class TcpBench {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "echo" -> echo(Integer.parseInt(args[1]));
            case "rr" -> rr(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static void echo(int port) throws IOException {
        Selector selector = Selector.open();
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", port), 1024);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        System.out.println("echo listening on 127.0.0.1:" + port);
        while (true) {
            selector.select();
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                try {
                    if (key.isAcceptable()) {
                        SocketChannel c = server.accept();
                        if (c != null) {
                            c.configureBlocking(false);
                            c.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                            c.register(selector, SelectionKey.OP_READ);
                        }
                    }
                    else if (key.isReadable()) {
                        SocketChannel c = (SocketChannel) key.channel();
                        buffer.clear();
                        int n = c.read(buffer);
                        if (n < 0) {
                            c.close();
                            continue;
                        }
                        buffer.flip();
                        // Small exchanges: the reply fits the socket buffer; spin briefly if it does not.
                        while (buffer.hasRemaining()) {
                            c.write(buffer);
                        }
                    }
                }
                catch (IOException e) {
                    key.channel().close();
                }
            }
        }
    }

    static void rr(int port, int connections, int seconds, int size) throws IOException {
        Selector selector = Selector.open();
        byte[] payload = new byte[size];
        Arrays.fill(payload, (byte) 'x');
        long[] latencies = new long[1 << 22];
        int samples = 0;
        for (int i = 0; i < connections; i++) {
            SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            c.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            c.configureBlocking(false);
            Conn conn = new Conn(c, size);
            c.register(selector, SelectionKey.OP_READ, conn);
            conn.send(payload);
        }
        long exchanges = 0;
        long warmupEnd = System.nanoTime() + 1_000_000_000L;
        long end = warmupEnd + seconds * 1_000_000_000L;
        boolean measuring = false;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            if (!measuring && now >= warmupEnd) {
                measuring = true;
            }
            selector.select(100);
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                Conn conn = (Conn) key.attachment();
                if (conn.read()) {
                    long t = System.nanoTime();
                    if (measuring) {
                        exchanges++;
                        if (samples < latencies.length) {
                            latencies[samples++] = t - conn.sentAt;
                        }
                    }
                    conn.send(payload);
                }
            }
        }
        Arrays.sort(latencies, 0, samples);
        long p50 = samples == 0 ? 0 : latencies[samples / 2] / 1000;
        long p99 = samples == 0 ? 0 : latencies[(int) (samples * 0.99)] / 1000;
        System.out.printf("rr connections=%d size=%d seconds=%d exchanges=%d rate=%.0f/s p50_us=%d p99_us=%d%n",
                connections, size, seconds, exchanges, exchanges / (double) seconds, p50, p99);
        System.exit(0);
    }

    static final class Conn {
        final SocketChannel channel;
        final ByteBuffer in;
        long sentAt;

        Conn(SocketChannel channel, int size) {
            this.channel = channel;
            this.in = ByteBuffer.allocate(size);
        }

        void send(byte[] payload) throws IOException {
            sentAt = System.nanoTime();
            ByteBuffer out = ByteBuffer.wrap(payload);
            while (out.hasRemaining()) {
                channel.write(out);
            }
        }

        /** True once a whole reply has arrived. */
        boolean read() throws IOException {
            if (channel.read(in) < 0) {
                throw new IOException("closed by peer");
            }
            if (in.hasRemaining()) {
                return false;
            }
            in.clear();
            return true;
        }
    }
}
