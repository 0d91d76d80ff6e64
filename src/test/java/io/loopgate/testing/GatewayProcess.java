package io.loopgate.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * Loopgate in a separate JVM (the test classpath), for what an in-process gateway cannot show: a small heap,
 * strace, JVM flags, a failing start-up. Ports are learnt from the "Listener 'x' started on port N" log lines.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final Pattern STARTED = Pattern.compile("Listener '([^']+)' started on port (\\d+)");
    private static final Pattern MANAGEMENT = Pattern.compile("Netty started on port (\\d+)");

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> ports = new ConcurrentHashMap<>();
    private volatile int managementPort = -1;

    private GatewayProcess(List<String> command) throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                    Matcher m = STARTED.matcher(line);
                    if (m.find()) {
                        ports.put(m.group(1), Integer.parseInt(m.group(2)));
                    }
                    Matcher mm = MANAGEMENT.matcher(line);
                    if (mm.find()) {
                        managementPort = Integer.parseInt(mm.group(1));
                    }
                }
            }
            catch (IOException ignored) {
                // process ended
            }
        }, "gateway-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code prefix} (e.g. strace) + java + {@code jvmArgs} + Loopgate + {@code --key=value} args built
     * from {@code properties} pairs; management on a free port and the demo off unless overridden.
     */
    public static GatewayProcess start(List<String> prefix, List<String> jvmArgs, String... properties)
            throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.loopgate.LoopgateApplication");
        Map<String, String> props = new java.util.LinkedHashMap<>();
        props.put("server.port", "0");
        props.put("management.server.port", "0");
        props.put("loopgate.demo.enabled", "false");
        for (int i = 0; i < properties.length; i += 2) {
            props.put(properties[i], properties[i + 1]);
        }
        props.forEach((k, v) -> command.add("--" + k + "=" + v));
        return new GatewayProcess(command);
    }

    /** Waits until listener {@code name} has started and returns its port. */
    public int awaitListener(String name) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> ports.containsKey(name) || !process.isAlive());
        if (!ports.containsKey(name)) {
            throw new IllegalStateException("Gateway exited before listener '" + name + "' started:\n" + output());
        }
        return ports.get(name);
    }

    /** The management port, once started. */
    public int managementPort() {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> managementPort > 0 || !process.isAlive());
        return managementPort;
    }

    /** Waits for the process to exit and returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("Gateway did not exit within " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    /** Everything the process printed so far. */
    public String output() {
        return String.join("\n", output);
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    /** Sends SIGTERM (graceful stop) and waits for the exit. */
    public int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        return awaitExit(timeout);
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
