package dev.sparkptq.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM on this test's classpath, as the launcher starts one: what a user sees on the console (Spark's own log
 * lines included, which an in-process run cannot capture because log4j writes to the real {@code System.err}).
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** What the child printed and returned. */
    public record Result(int code, String out, String err) {
    }

    /**
     * The command line of a child JVM running {@code mainClass} on this test's classpath, with {@code jvmOptions}
     * plus the module openings and Netty/JDK flags Spark needs (copied from this JVM's arguments).
     */
    public static List<String> command(List<String> jvmOptions, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("-Djdk.") || arg.startsWith("-Dio.netty")
                    || arg.startsWith("-XX:+IgnoreUnrecognized")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Runs the CLI ({@link Main}) in a child JVM with the launcher's log configuration (conf/log4j2.properties) and
     * returns its exit code and both streams.
     */
    public static Result cli(Path tmp, String... args) throws IOException, InterruptedException {
        List<String> cmd = command(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + tmp,
                "-Dlog4j2.configurationFile=" + Path.of("conf/log4j2.properties").toAbsolutePath()),
                Main.class.getName(), args);
        Path out = tmp.resolve("child.out");
        Path err = tmp.resolve("child.err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("the child JVM did not finish in 5 minutes: " + cmd);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
