package io.loopgate.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopgate.testing.GatewayProcess;
import io.loopgate.testing.TestUpstream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Bodies stream both ways without being buffered whole: a gateway with a 64 MiB heap and 32 MiB of direct
 * memory carries 256 MiB up and 256 MiB down, byte for byte (SHA-256 on both ends), fixed-length and chunked.
 */
class HttpStreamingIntegrationTest {

    static final long SIZE = 256L * 1024 * 1024;
    static final int BLOCK = 64 * 1024;

    static TestUpstream upstream;
    static GatewayProcess gateway;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        upstream = TestUpstream.start((req, res) -> {
            if (req.uri().startsWith("/upload")) {
                MessageDigest digest = sha256();
                return res.sendString(req.receive()
                        .map(b -> {
                            digest.update(b.nioBuffer());
                            return (long) b.readableBytes();
                        })
                        .reduce(0L, Long::sum)
                        .map(total -> HexFormat.of().formatHex(digest.digest())));
            }
            boolean chunked = req.uri().contains("chunked");
            if (!chunked) {
                res.header("content-length", Long.toString(SIZE));
            }
            return res.send(blocks());
        });
        gateway = GatewayProcess.start(List.of(), List.of("-Xmx64m", "-XX:MaxDirectMemorySize=32m"),
                "loopgate.loop-groups.main.threads", "1",
                "loopgate.listeners.web.protocol", "http",
                "loopgate.listeners.web.port", "0",
                "loopgate.upstreams.up.backends[0]", upstream.address(),
                "loopgate.routes[0].id", "all", "loopgate.routes[0].listener", "web",
                "loopgate.routes[0].upstream", "up");
        port = gateway.awaitListener("web");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    /** SIZE bytes of a deterministic pattern in BLOCK-sized buffers. */
    static Flux<ByteBuf> blocks() {
        byte[] block = pattern();
        return Flux.range(0, (int) (SIZE / BLOCK)).map(i -> Unpooled.wrappedBuffer(block));
    }

    static byte[] pattern() {
        byte[] block = new byte[BLOCK];
        new java.util.Random(42).nextBytes(block);
        return block;
    }

    static String expectedDigest() throws Exception {
        MessageDigest digest = sha256();
        byte[] block = pattern();
        for (long i = 0; i < SIZE / BLOCK; i++) {
            digest.update(block);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static InputStream patternStream() {
        byte[] block = pattern();
        return new InputStream() {
            long sent;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (sent >= SIZE) {
                    return -1;
                }
                int pos = (int) (sent % BLOCK);
                int n = (int) Math.min(Math.min(len, BLOCK - pos), SIZE - sent);
                System.arraycopy(block, pos, b, off, n);
                sent += n;
                return n;
            }
        };
    }

    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void streamsAChunkedUploadFourTimesTheHeap() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload/chunked"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(HttpStreamingIntegrationTest::patternStream)).build();
        HttpResponse<String> response = client().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(expectedDigest());
    }

    @Test
    void streamsAFixedLengthUploadFourTimesTheHeap() throws Exception {
        AtomicReference<InputStream> in = new AtomicReference<>(patternStream());
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload/fixed"))
                .PUT(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(in::get), SIZE)).build();
        HttpResponse<String> response = client().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(expectedDigest());
    }

    @Test
    void streamsFixedLengthAndChunkedDownloadsFourTimesTheHeap() throws Exception {
        for (String path : new String[] {"/download/fixed", "/download/chunked"}) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build();
            HttpResponse<InputStream> response = client().send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            if (path.endsWith("fixed")) {
                assertThat(response.headers().firstValueAsLong("content-length")).hasValue(SIZE);
            }
            else {
                assertThat(response.headers().firstValue("transfer-encoding")).hasValue("chunked");
            }
            MessageDigest digest = sha256();
            byte[] buffer = new byte[BLOCK];
            long total = 0;
            try (InputStream body = response.body()) {
                int n;
                while ((n = body.read(buffer)) > 0) {
                    digest.update(buffer, 0, n);
                    total += n;
                }
            }
            assertThat(total).isEqualTo(SIZE);
            assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(expectedDigest());
        }
    }
}
