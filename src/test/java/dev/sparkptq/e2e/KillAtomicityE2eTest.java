package dev.sparkptq.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.pipeline.OutputSwap;
import dev.sparkptq.pipeline.TinyRun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of the real CLI (a child JVM) replacing an earlier run with {@code --overwrite}, at several
 * instants: the output folder holds the complete earlier run or the complete new one — model.onnx parses and
 * report.json's {@code output.sha256} is model.onnx's — or, only between the commit and the last rename, a
 * committed {@code .spark-ptq-new-*} that the next run's recovery finishes; after recovery it is always one complete
 * run, never half or mixed. The earlier run (preset performance) and the new one (preset mixed) differ, so a mixed
 * folder would show.
 */
@Tag("e2e")
class KillAtomicityE2eTest {
    @TempDir
    Path tmp;

    private TinyRun t;
    private Path out;

    @Test
    void killMinusNineNeverLeavesAHalfOrMixedOutput() throws Exception {
        t = TinyRun.create(tmp.resolve("run"), 8, 3);
        out = tmp.resolve("out");
        long start = System.nanoTime();
        assertEquals(0, child(config("performance"), false).waitFor(), "earlier run");
        long runMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        String oldSha = checkComplete(out);
        Path backup = copy(out, tmp.resolve("backup"));

        List<String> seen = new ArrayList<>();
        for (double fraction : new double[] {0.3, 0.6, 0.85, 0.95}) { // of an undisturbed run's wall time
            long delay = (long) (fraction * runMillis);
            seen.add(trial("after " + delay + " ms of ~" + runMillis, backup, oldSha, p -> sleep(delay)));
        }
        seen.add(trial("when .spark-ptq-tmp-* appears", backup, oldSha, p -> awaitEntry(p, ".spark-ptq-tmp-")));
        seen.add(trial("when .spark-ptq-new-* appears", backup, oldSha, p -> awaitEntry(p, ".spark-ptq-new-")));
        seen.forEach(System.out::println);

        restore(backup);
        assertEquals(0, child(config("mixed"), true).waitFor(), "undisturbed replacing run");
        String newSha = checkComplete(out);
        assertTrue(!newSha.equals(oldSha), "the two runs differ, so a mixed folder would show");
    }

    /** One kill: restore the earlier run, start the replacing run, kill it when {@code when} returns. */
    private String trial(String name, Path backup, String oldSha, Predicate<Process> when) throws Exception {
        restore(backup);
        Process p = child(config("mixed"), true);
        boolean running = when.test(p) && p.isAlive();
        p.destroyForcibly(); // SIGKILL on POSIX
        p.waitFor(30, TimeUnit.SECONDS);
        String before = describe();
        if (!hasEntry(".spark-ptq-new-")) {
            checkComplete(out); // no journal: the folder must already be one complete run
        }
        OutputSwap.recover(out);
        String sha = checkComplete(out);
        assertTrue(!hasEntry(".spark-ptq-"), "recovery leaves no staging folder: " + describe());
        return name + (running ? " (killed)" : " (had finished)") + ": " + before + " -> "
                + (sha.equals(oldSha) ? "earlier run" : "new run");
    }

    /** Asserts model.onnx parses and report.json's output.sha256 is model.onnx's; returns that sha. */
    private static String checkComplete(Path dir) throws IOException {
        assertTrue(Files.exists(dir.resolve("report.json")), "report.json present in " + list(dir));
        String sha = ModelIo.sha256(dir.resolve("model.onnx"));
        String reported = new ObjectMapper().readTree(dir.resolve("report.json").toFile()).path("output")
                .path("sha256").asText();
        assertEquals(reported, sha, "report.json belongs to model.onnx");
        ModelIo.load(dir.resolve("model.onnx"));
        return sha;
    }

    private Process child(Path config, boolean overwrite) throws IOException {
        List<String> cmd = new ArrayList<>(E2e.childJvm(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1",
                        "-Djava.io.tmpdir=" + Files.createDirectories(tmp.resolve("jvm-tmp"))), "dev.sparkptq.cli.Main",
                "quantize", "-c", config.toString(), "--output-dir", out.toString(), "--master", "local[1]"));
        if (overwrite) {
            cmd.add("--overwrite");
        }
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile()).start();
    }

    private Path config(String preset) throws IOException {
        return Files.writeString(t.dir.resolve(preset + ".json"), t.json(1, preset));
    }

    private boolean awaitEntry(Process p, String prefix) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            while (p.isAlive() && System.nanoTime() < deadline) {
                if (hasEntry(prefix)) {
                    return true;
                }
                Thread.onSpinWait();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return false;
    }

    private boolean hasEntry(String prefix) throws IOException {
        if (!Files.isDirectory(out)) {
            return false;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(out, prefix + "*")) {
            return s.iterator().hasNext();
        }
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private String describe() throws IOException {
        return list(out).toString();
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private void restore(Path backup) throws IOException {
        delete(out);
        copy(backup, out);
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
        return to;
    }

    private static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
