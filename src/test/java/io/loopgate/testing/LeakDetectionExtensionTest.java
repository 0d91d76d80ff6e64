package io.loopgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The leak check can fail: a buffer dropped without release is reported. */
class LeakDetectionExtensionTest {

    @Test
    void reportsABufferThatWasNeverReleased() {
        leak();
        assertThat(LeakDetectionExtension.collectLeaks()).anySatisfy(report -> assertThat(report).contains("LEAK"));
    }

    @Test
    void reportsNothingWhenBuffersAreReleased() {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(128);
        buffer.writeLong(1);
        buffer.release();
        assertThat(LeakDetectionExtension.collectLeaks()).isEmpty();
    }

    private static void leak() {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(128);
        buffer.writeLong(42);
    }
}
