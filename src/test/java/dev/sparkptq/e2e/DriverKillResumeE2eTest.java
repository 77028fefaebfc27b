package dev.sparkptq.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkptq.graph.ModelIo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of the driver (the real CLI in a child JVM) in the middle of an accuracy-aware search on MNIST-8,
 * three times: during the first ranking round (as soon as aaq-checkpoint.json exists), the {@code --resume}d run as
 * soon as the checkpoint records a greedy iteration, and the run resumed again while it writes its output (staging
 * folder present). A last {@code --resume} on the same folder must then finish the search with the exit code, the
 * model bytes and the search outcome (ranking scores, iterations, reverted groups, evaluation counts) of an
 * undisturbed run, and no one may ever see a half-written model.onnx in the folder.
 */
@Tag("e2e")
public class DriverKillResumeE2eTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void killedDriverResumedFromTheCheckpointGivesTheUndisturbedResult(@TempDir Path tmp) throws Exception {
        Path shared = E2e.shared();
        MnistE2eTest.writeNpySplit(shared.resolve("data/mnist"), tmp);
        Path config = Files.writeString(tmp.resolve("mnist-aaq.json"), aaqConfig(shared));
        Path reference = tmp.resolve("reference");
        E2e.CliRun undisturbed = E2e.cli("quantize", "-c", config.toString(), "--output-dir", reference.toString(),
                "--master", "local[2]");
        assertTrue(undisturbed.code() == 0 || undisturbed.code() == 5, "undisturbed run: " + undisturbed.err());
        JsonNode expected = searchOutcome(E2e.report(reference));
        assertTrue(expected.get("iterations").size() >= 2, "the search must take at least two iterations, so a kill "
                + "after the first leaves work to resume: " + expected);

        Path out = tmp.resolve("out");
        try (ModelWatcher watcher = new ModelWatcher(out)) {
            int iterations = killTwiceDuringTheSearch(tmp, out, expected.get("iterations").size());
            killWhileWriting(child(tmp, "third", "--resume", out.toString()), out, tmp.resolve("third.log"));
            assertTrue(Files.readString(tmp.resolve("third.log")).contains("resuming the accuracy-aware search after "
                    + iterations + " iterations"));

            Process last = child(tmp, "last", "--resume", out.toString());
            assertTrue(last.waitFor(3, TimeUnit.MINUTES), "the resumed run hangs");
            String log = Files.readString(tmp.resolve("last.log"));
            assertEquals(undisturbed.code(), last.exitValue(), "exit code of the resumed run; its log:\n" + log);
            assertTrue(log.contains("resuming the accuracy-aware search after " + expected.get("iterations").size()
                    + " iterations"), log);

            byte[] model = Files.readAllBytes(out.resolve("model.onnx"));
            assertEquals(ModelIo.sha256(Files.readAllBytes(reference.resolve("model.onnx"))), ModelIo.sha256(model),
                    "model.onnx of the resumed run differs from the undisturbed run's");
            assertEquals(expected, searchOutcome(E2e.report(out)), "the search outcome differs after --resume");
            watcher.close();
            assertEquals(Set.of(ModelIo.sha256(model)), watcher.seen(),
                    "every model.onnx that appeared in the folder is the final, complete one");
            assertEquals(List.of(), watcher.unreadable(), "model.onnx never failed to parse while being watched");
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(out, ".spark-ptq-*")) {
            assertFalse(s.iterator().hasNext(), "no staging folder left: " + list(out));
        }
    }

    /**
     * The first run killed as soon as its first checkpoint exists (baseline done, first ranking round running), then
     * the resumed run killed once the checkpoint records a greedy iteration; returns the iterations checkpointed.
     */
    private static int killTwiceDuringTheSearch(Path tmp, Path out, int undisturbedIterations) throws Exception {
        Path checkpoint = out.resolve("aaq-checkpoint.json");
        JsonNode atFirstKill = killWhen(child(tmp, "first", "--output-dir", out.toString()), checkpoint,
                c -> true, tmp.resolve("first.log"));
        assertEquals(0, atFirstKill.path("rounds").size(), "the first kill landed before the ranking round ended: "
                + atFirstKill);
        JsonNode atSecondKill = killWhen(child(tmp, "second", "--resume", out.toString()), checkpoint,
                c -> c.path("iterations").size() > 0, tmp.resolve("second.log"));
        assertTrue(Files.readString(tmp.resolve("second.log"))
                .contains("resuming the accuracy-aware search after 0 iterations"));
        int iterations = atSecondKill.path("iterations").size();
        assertTrue(iterations < undisturbedIterations, "work is left after the second kill");
        return iterations;
    }

    /** Kills {@code p} once it stages its output (the search finished and checkpointed before it writes). */
    private static void killWhileWriting(Process p, Path out, Path log) throws Exception {
        assertTrue(awaitStaging(p, out) && p.isAlive(), "the run was caught writing its output; its log:\n"
                + Files.readString(log));
        p.destroyForcibly(); // SIGKILL on POSIX
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertTrue(JSON.readTree(out.resolve("aaq-checkpoint.json").toFile()).path("finished").asBoolean(),
                "killed after the search had finished");
        System.out.println("killed the driver while it wrote its output; folder: " + list(out));
    }

    /**
     * MNIST-8 (the NPY split of {@link MnistE2eTest}) with a harsh 3-bit base and {@code maximal_drop} 0: one ranking
     * round of three groups on 1,000 of 2,000 evaluation digits, then three greedy iterations (about 10 s on
     * {@code local[2]}). Public: the cluster fault test runs the same search.
     */
    public static String aaqConfig(Path shared) {
        // model bytes are compared between runs: the speed guard decides by timing
        return MnistE2eTest.withoutSpeedGuard(MnistE2eTest.config(shared, 2))
                .replace("\"name\": \"DefaultQuantization\"", "\"name\": \"AccuracyAwareQuantization\"")
                .replace("\"seed\": 7 }", "\"seed\": 7, \"weights\": { \"bits\": 3 }, \"activations\": { \"bits\": 3 },"
                        + " \"maximal_drop\": 0.0, \"ranking_subset_size\": 1000 }")
                .replace("\"num_partitions\": 2", "\"num_partitions\": 2, \"eval_subset_size\": 2000");
    }

    /**
     * report.json's accuracy_aware section without wall-clock times: what the search decided (baselines, ranking
     * scores, iterations, reverted groups, evaluation counts), which a fault must not change.
     */
    public static JsonNode searchOutcome(JsonNode report) {
        ObjectNode a = report.get("accuracy_aware").deepCopy();
        a.remove("ranking_wall_ms");
        a.remove("latency"); // measured, not searched
        for (JsonNode r : a.withArray("rankings")) {
            ((ObjectNode) r).remove("wall_ms");
        }
        return a;
    }

    private static Process child(Path tmp, String name, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("quantize", "-c", tmp.resolve("mnist-aaq.json").toString(),
                "--master", "local[2]"));
        argv.addAll(List.of(args));
        List<String> cmd = E2e.childJvm(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + Files.createDirectories(tmp.resolve("jvm-tmp-" + name))), "dev.sparkptq.cli.Main",
                argv.toArray(String[]::new));
        return new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve(name + ".log").toFile()).start();
    }

    /**
     * Polls the checkpoint until {@code when} holds for it, then SIGKILLs the child and checks that it died mid-run,
     * leaving neither model.onnx nor report.json; returns the checkpoint as the kill left it.
     */
    private static JsonNode killWhen(Process p, Path checkpoint, Predicate<JsonNode> when, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        boolean hit = false;
        while (!hit && p.isAlive() && System.nanoTime() < deadline) {
            try {
                hit = when.test(JSON.readTree(checkpoint.toFile()));
            } catch (IOException e) {
                // not written yet (it is replaced atomically, so never half-read)
            }
            if (!hit) {
                Thread.sleep(10);
            }
        }
        assertTrue(hit && p.isAlive(), "the run ended (or never checkpointed) before it could be killed; its log:\n"
                + Files.readString(log));
        p.destroyForcibly(); // SIGKILL on POSIX
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
        Path out = checkpoint.getParent();
        JsonNode state = JSON.readTree(checkpoint.toFile());
        System.out.println("killed the driver with " + state.path("rounds").size() + " ranking round(s) and "
                + state.path("iterations").size() + " iteration(s) checkpointed; folder: " + list(out));
        assertFalse(Files.exists(out.resolve("model.onnx")), "the killed run had not written model.onnx yet");
        assertFalse(Files.exists(out.resolve("report.json")), "nor report.json");
        return state;
    }

    /** Spins until the output folder holds a staging entry of {@code OutputSwap}; false if the child ended first. */
    private static boolean awaitStaging(Process p, Path out) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (p.isAlive() && System.nanoTime() < deadline) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(out, ".spark-ptq-{tmp,new}-*")) {
                if (s.iterator().hasNext()) {
                    return true;
                }
            }
            Thread.onSpinWait();
        }
        return false;
    }

    private static List<String> list(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * Reads {@code model.onnx} of a folder every few milliseconds while the runs go on, remembering the digest of
     * every version that parsed and the errors of any that did not: a half-written file would show as either.
     */
    static final class ModelWatcher implements AutoCloseable {
        private final Path model;
        private final Set<String> seen = ConcurrentHashMap.newKeySet();
        private final List<String> unreadable = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;

        ModelWatcher(Path dir) {
            this.model = dir.resolve("model.onnx");
            this.thread = new Thread(this::loop, "model-watcher");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            while (running) {
                try {
                    byte[] bytes = Files.readAllBytes(model);
                    ai.onnx.proto.OnnxMl.ModelProto.parseFrom(bytes);
                    seen.add(ModelIo.sha256(bytes));
                } catch (java.nio.file.NoSuchFileException e) {
                    // not there yet
                } catch (IOException | RuntimeException e) {
                    unreadable.add(e.toString());
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        Set<String> seen() {
            return Set.copyOf(seen);
        }

        List<String> unreadable() {
            return List.copyOf(unreadable);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join();
        }
    }
}
