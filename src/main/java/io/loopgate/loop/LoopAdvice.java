package io.loopgate.loop;

import net.bytebuddy.asm.Advice;

/** Advice inlined into Netty's loop methods; the code only calls {@link LoopProbe}'s public static methods. */
final class LoopAdvice {

    private LoopAdvice() {
    }

    /** {@code epollWaitNoTimerChange()} and {@code epollWaitTimeboxed()}: return the ready count. */
    static final class BlockingWait {
        @Advice.OnMethodEnter
        static long enter() {
            return LoopProbe.blockingEnter();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter long t0, @Advice.Return int ready) {
            LoopProbe.blockingExit(t0, ready);
        }
    }

    /** {@code epollWait(long deadlineNanos)}: returns {@code ready << 32 | timerUsed}. */
    static final class BlockingTimerWait {
        @Advice.OnMethodEnter
        static long enter() {
            return LoopProbe.blockingEnter();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter long t0, @Advice.Return long result) {
            LoopProbe.blockingExit(t0, (int) (result >> 32));
        }
    }

    /** {@code epollWaitNow()}. */
    static final class ImmediateWait {
        @Advice.OnMethodEnter
        static long enter() {
            return LoopProbe.enter();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter long t0, @Advice.Return int ready) {
            LoopProbe.immediateExit(t0, ready);
        }
    }

    /** {@code epollBusyWait()}. */
    static final class BusyWait {
        @Advice.OnMethodEnter
        static long enter() {
            return LoopProbe.enter();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter long t0, @Advice.Return int ready) {
            LoopProbe.busyExit(t0, ready);
        }
    }

    /** {@code AbstractEventExecutor.safeExecute(Runnable)}: every task a loop runs goes through it. */
    static final class TaskRun {
        @Advice.OnMethodEnter
        static void enter() {
            LoopProbe.taskRun();
        }
    }
}
