package io.loopgate.proxy.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP backend for tests on 127.0.0.1 and a free port: plain blocking sockets, one thread per connection, so
 * what it does on the wire (half-close, reset, stop reading) is exactly what its handler says.
 */
final class BlockingUpstream implements AutoCloseable {

    /** What the backend does with one accepted connection. */
    interface Handler {
        void handle(Socket socket) throws IOException;
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-backend");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();

    private BlockingUpstream(Handler handler) throws IOException {
        server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        threads.execute(() -> {
            while (!server.isClosed()) {
                Socket socket;
                try {
                    socket = server.accept();
                }
                catch (IOException e) {
                    return;
                }
                accepted.incrementAndGet();
                sockets.add(socket);
                threads.execute(() -> {
                    try (socket) {
                        handler.handle(socket);
                    }
                    catch (IOException ignored) {
                        // the peer went away; the test looks at what the client saw
                    }
                });
            }
        });
    }

    static BlockingUpstream start(Handler handler) throws IOException {
        return new BlockingUpstream(handler);
    }

    /** Echoes everything until the peer half-closes, then half-closes too. */
    static BlockingUpstream echo() throws IOException {
        return start(socket -> {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            in.transferTo(out);
            out.flush();
            socket.shutdownOutput();
            // Wait for the close of the other side.
            in.read();
        });
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    int accepted() {
        return accepted.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        threads.shutdownNow();
    }
}
