package io.loopgate.loop;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.MemberSubstitution;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the per-loop instrumentation: a Byte Buddy agent, self-attached to this JVM, that weaves advice into
 * Netty's private {@code EpollEventLoop} wait wrappers and task execution and counts the eventfd write in
 * {@code wakeup()}. Installed once, as the first statement of {@code main} or, when the application is started
 * another way, before the first loop group is built.
 *
 * <p>Disabled with {@code -Dloopgate.instrumentation=off}. When it cannot be installed (no attach mechanism, a
 * Netty whose methods were renamed) the gateway starts anyway, one warning is logged and the groups report
 * {@code loopgate.loop.instrumented} 0.
 */
public final class LoopInstrumentation {

    /** System property that disables the agent when set to {@code off}. */
    public static final String PROPERTY = "loopgate.instrumentation";

    static final String EPOLL_EVENT_LOOP = "io.netty.channel.epoll.EpollEventLoop";
    static final String EVENT_EXECUTOR = "io.netty.util.concurrent.AbstractEventExecutor";
    static final String NATIVE = "io.netty.channel.epoll.Native";

    /** Every member the agent binds to, {@code Class#method(parameter types)} or {@code Class.field}. */
    static final List<String> ADVISED_MEMBERS = List.of(
            EPOLL_EVENT_LOOP + "#epollWait(long)",
            EPOLL_EVENT_LOOP + "#epollWaitNoTimerChange()",
            EPOLL_EVENT_LOOP + "#epollWaitTimeboxed()",
            EPOLL_EVENT_LOOP + "#epollWaitNow()",
            EPOLL_EVENT_LOOP + "#epollBusyWait()",
            EPOLL_EVENT_LOOP + "#wakeup(boolean)",
            EPOLL_EVENT_LOOP + ".eventFd",
            NATIVE + "#eventFdWrite(int,long)",
            EVENT_EXECUTOR + "#safeExecute(java.lang.Runnable)");

    private static final Logger log = LoggerFactory.getLogger(LoopInstrumentation.class);

    private static volatile Status status;

    /** Outcome of the installation. */
    public record Status(boolean active, String reason, Set<String> transformed, List<String> errors) {
    }

    private LoopInstrumentation() {
    }

    /** Installs the agent once per JVM; later calls return the first outcome. Never throws. */
    public static Status install() {
        Status s = status;
        if (s != null) {
            return s;
        }
        synchronized (LoopInstrumentation.class) {
            if (status == null) {
                status = doInstall();
            }
            return status;
        }
    }

    /** Whether the agent is installed and the Netty members it binds to were all found and transformed. */
    public static boolean active() {
        return install().active();
    }

    private static Status doInstall() {
        if ("off".equalsIgnoreCase(System.getProperty(PROPERTY, "on"))) {
            log.info("Event-loop instrumentation disabled (-D{}=off): loopgate.loop.instrumented is 0 and the "
                    + "epoll wait, wakeup, busy and task meters are not published", PROPERTY);
            return new Status(false, "disabled by -D" + PROPERTY + "=off", Set.of(), List.of());
        }
        List<String> missing = missingMembers();
        if (!missing.isEmpty()) {
            return failed("this Netty version lacks " + String.join(", ", missing)
                    + " (the agent binds to Netty 4.1 epoll internals)", null);
        }
        long started = System.nanoTime();
        Instrumentation instrumentation;
        try {
            instrumentation = ByteBuddyAgent.install();
        }
        catch (RuntimeException | LinkageError e) {
            return failed("the agent could not attach to this JVM (" + e.getMessage()
                    + "); the attach mechanism is needed (no -XX:+DisableAttachMechanism, a JDK with jdk.attach, "
                    + "a writable java.io.tmpdir) or start with -javaagent:byte-buddy-agent.jar", e);
        }
        Set<String> transformed = ConcurrentHashMap.newKeySet();
        List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        try {
            new AgentBuilder.Default()
                    .disableClassFormatChanges()
                    .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                    .with(new Listener(transformed, errors))
                    .type(named(EPOLL_EVENT_LOOP))
                    .transform(LoopInstrumentation::epollEventLoop)
                    .type(named(EVENT_EXECUTOR))
                    .transform((builder, type, loader, module, domain) -> builder
                            .visit(Advice.to(LoopAdvice.TaskRun.class).on(named("safeExecute")
                                    .and(takesArguments(Runnable.class)))))
                    .installOn(instrumentation);
            // Load both now, so that they are transformed (or retransformed) before any loop runs.
            Class.forName(EPOLL_EVENT_LOOP, false, LoopInstrumentation.class.getClassLoader());
            Class.forName(EVENT_EXECUTOR, false, LoopInstrumentation.class.getClassLoader());
        }
        catch (RuntimeException | LinkageError | ClassNotFoundException e) {
            return failed("the agent could not transform Netty's event loop (" + e + ")", e);
        }
        Set<String> expected = Set.of(EPOLL_EVENT_LOOP, EVENT_EXECUTOR);
        if (!errors.isEmpty() || !transformed.equals(expected)) {
            return failed("the agent transformed " + transformed + " instead of " + expected + ": " + errors, null);
        }
        log.info("Event-loop instrumentation installed in {} ms", (System.nanoTime() - started) / 1_000_000);
        return new Status(true, "installed", Set.copyOf(transformed), List.of());
    }

    private static DynamicType.Builder<?> epollEventLoop(DynamicType.Builder<?> builder, TypeDescription type,
            ClassLoader loader, JavaModule module, java.security.ProtectionDomain domain) {
        return builder
                .visit(Advice.to(LoopAdvice.BlockingTimerWait.class)
                        .on(named("epollWait").and(takesArguments(long.class)).and(returns(long.class))))
                .visit(Advice.to(LoopAdvice.BlockingWait.class)
                        .on(named("epollWaitNoTimerChange").or(named("epollWaitTimeboxed")).and(takesNoArguments())))
                .visit(Advice.to(LoopAdvice.ImmediateWait.class).on(named("epollWaitNow").and(takesNoArguments())))
                .visit(Advice.to(LoopAdvice.BusyWait.class).on(named("epollBusyWait").and(takesNoArguments())))
                .visit(MemberSubstitution.strict()
                        .method(named("eventFdWrite").and(isDeclaredBy(named(NATIVE))))
                        .replaceWith(probe("eventFdWrite", int.class, long.class))
                        .on(named("wakeup").and(takesArguments(boolean.class))));
    }

    private static Method probe(String name, Class<?>... parameters) {
        try {
            return LoopProbe.class.getMethod(name, parameters);
        }
        catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The members of {@link #ADVISED_MEMBERS} this classpath's Netty does not have. */
    static List<String> missingMembers() {
        List<String> missing = new ArrayList<>();
        ClassLoader loader = LoopInstrumentation.class.getClassLoader();
        for (String member : ADVISED_MEMBERS) {
            try {
                int hash = member.indexOf('#');
                if (hash < 0) {
                    int dot = member.lastIndexOf('.');
                    Field field = Class.forName(member.substring(0, dot), false, loader).getDeclaredField(member.substring(dot + 1));
                    if (field.getType() != io.netty.channel.unix.FileDescriptor.class) {
                        missing.add(member);
                    }
                    continue;
                }
                Class<?> owner = Class.forName(member.substring(0, hash), false, loader);
                String signature = member.substring(hash + 1);
                String name = signature.substring(0, signature.indexOf('('));
                String params = signature.substring(signature.indexOf('(') + 1, signature.length() - 1);
                List<Class<?>> types = new ArrayList<>();
                for (String p : params.isEmpty() ? new String[0] : params.split(",")) {
                    types.add(switch (p) {
                        case "int" -> int.class;
                        case "long" -> long.class;
                        case "boolean" -> boolean.class;
                        default -> Class.forName(p, false, loader);
                    });
                }
                owner.getDeclaredMethod(name, types.toArray(Class<?>[]::new));
            }
            catch (ReflectiveOperationException | LinkageError e) {
                missing.add(member);
            }
        }
        return missing;
    }

    /** The eventfd of an {@code EpollEventLoop} (the target of its wakeup writes), -1 when not found. */
    static int eventFd(Object epollEventLoop) {
        try {
            Field field = epollEventLoop.getClass().getDeclaredField("eventFd");
            field.setAccessible(true);
            return ((io.netty.channel.unix.FileDescriptor) field.get(epollEventLoop)).intValue();
        }
        catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    private static Status failed(String reason, Throwable cause) {
        log.warn("Event-loop instrumentation unavailable: {}. Loopgate runs without the exact epoll_wait, "
                + "wakeup, busy-time and task meters; loopgate.loop.instrumented is 0", reason);
        if (cause != null) {
            log.debug("Instrumentation failure", cause);
        }
        return new Status(false, reason, Set.of(), List.of());
    }

    /** Records which types were transformed and every error, so a silent no-op cannot pass as success. */
    private static final class Listener extends AgentBuilder.Listener.Adapter {

        private final Set<String> transformed;
        private final List<String> errors;

        Listener(Set<String> transformed, List<String> errors) {
            this.transformed = transformed;
            this.errors = errors;
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                DynamicType dynamicType) {
            transformed.add(type.getName());
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded,
                Throwable throwable) {
            errors.add(typeName + ": " + throwable);
        }
    }
}
