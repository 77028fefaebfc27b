package dev.sparkptq.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkptq.cli.Main;
import dev.sparkptq.e2e.DriverKillResumeE2eTest;
import dev.sparkptq.e2e.MnistE2eTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGKILL of an executor JVM of the 2-worker loopback cluster while it runs a task of an accuracy-aware ranking
 * round (MNIST-8, 3-bit base, three groups ranked on 1,000 digits in six tasks), and of another while it runs a task
 * of the first greedy step's evaluation (2,000 digits in two tasks). Spark re-runs the lost tasks; since these jobs'
 * results are collected one per task index (no Spark accumulators), the exit code, model.onnx and the search outcome
 * in report.json (scores, iterations, reverted groups) equal an undisturbed {@code local[2]} run.
 *
 * <p>The ranking stage is found without timing guesses: with {@code --stream-output} the driver prints one progress
 * line when each Spark job starts; every job here is one result stage, so the ranking job's stage id is the number of
 * jobs started before it. The executor to kill is one whose log's latest task line is "Running task ... in stage
 * S.0" for that stage id (the standalone master replaces a killed executor).
 */
@Tag("cluster")
class RankingExecutorLossTest {
    private static final Pattern JOB_START = Pattern.compile("^(\\S.*?)\\s+\\[-+\\] 0/(\\d+) tasks.*");
    private static final String RANKING = "accuracy-aware ranking";
    private static final String EVALUATION = "accuracy-aware evaluation";

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void killingExecutorsDuringARankingRoundAndAGreedyStepChangesNeitherModelNorRanking(@TempDir Path tmp)
            throws Exception {
        Path project = Path.of(System.getProperty("sparkptq.project.dir", "")).toAbsolutePath();
        Path shared = Path.of(System.getProperty("sparkptq.shared.dir", "../shared")).toAbsolutePath().normalize();
        assertTrue(LoopbackClusterTest.hasAppJar(project.resolve("target")),
                "no target/spark-ptq-*-spark-app.jar; mvn -B verify -Pcluster");
        MnistE2eTest.writeNpySplit(shared.resolve("data/mnist"), tmp);
        Path config = Files.writeString(tmp.resolve("mnist-aaq.json"), DriverKillResumeE2eTest.aaqConfig(shared));
        String port = Integer.toString(LoopbackClusterTest.freePort());
        Path state = tmp.resolve("cluster-state");
        Path clusterOut = tmp.resolve("cluster");

        Killer killer = new Killer(state, List.of(RANKING, EVALUATION));
        LoopbackClusterTest.ScriptRun run = LoopbackClusterTest.script(project, state, killer::onLine, "run",
                "--workers", "2", "--port", port, "--", "quantize", "-c", config.toString(), "--output-dir",
                clusterOut.toString(), "--master", "spark://127.0.0.1:" + port, "--stream-output");
        assertTrue(run.code() == 0 || run.code() == 5, "the run with killed executors failed; its output:\n"
                + run.output());
        List<String> lost = run.output().lines().filter(l -> l.contains("Lost task")).toList();
        lost.forEach(l -> System.out.println("driver: " + l));
        for (String label : List.of(RANKING, EVALUATION)) {
            int stage = killer.stage(label);
            assertTrue(stage >= 0, "no '" + label + "' job started; output:\n" + run.output());
            assertTrue(killer.killed(label) > 0, "an executor running a task of the " + label + " stage " + stage
                    + " was killed");
            // proof of a lost and re-run task: the driver's "Lost task" line (logged at WARN only when the worker's
            // exit report beats the dropped connection) or more task attempts started than the stage has tasks
            List<String> starts = LoopbackClusterTest.taskStarts(state, stage);
            assertTrue(lost.stream().anyMatch(l -> l.contains(" in stage " + stage + "."))
                            || starts.size() > killer.tasks(label),
                    "the driver lost a task of the " + label + " stage " + stage + " and re-ran it; lost: " + lost
                            + "; " + starts.size() + " attempts of " + killer.tasks(label) + " tasks: " + starts);
        }

        Path localOut = tmp.resolve("local");
        int localCode = Main.run(List.of("quantize", "-c", config.toString(), "--output-dir", localOut.toString(),
                "--master", "local[2]"), System.out, System.err);
        assertEquals(localCode, run.code(), "exit code of the undisturbed local[2] run");
        assertEquals(LoopbackClusterTest.sha256(Files.readAllBytes(localOut.resolve("model.onnx"))),
                LoopbackClusterTest.sha256(Files.readAllBytes(clusterOut.resolve("model.onnx"))),
                "model.onnx after an executor loss in a ranking round differs from the undisturbed local[2] model");
        ObjectMapper json = new ObjectMapper();
        JsonNode expected = DriverKillResumeE2eTest.searchOutcome(json.readTree(localOut.resolve("report.json")
                .toFile()));
        JsonNode actual = DriverKillResumeE2eTest.searchOutcome(json.readTree(clusterOut.resolve("report.json")
                .toFile()));
        assertTrue(expected.get("rankings").size() >= 1, "the search ranked groups at least once: " + expected);
        assertEquals(expected, actual, "the accuracy-aware outcome (ranking scores, iterations, reverted groups) "
                + "after an executor loss differs from the undisturbed run's");
        System.out.println("executors killed: " + killer + "; ranking scores "
                + actual.get("rankings").get(0).get("scores") + "; reverted " + actual.get("iterations").size()
                + " groups, exit code " + run.code());
    }

    /**
     * Reads the driver's output line by line: at the first job of each target label it starts killing an executor
     * that runs a task of that job's stage (in the background: the driver's output keeps flowing).
     */
    static final class Killer {
        private final Path state;
        private final List<String> labels;
        private final AtomicInteger jobs = new AtomicInteger();
        private final Map<String, Integer> stages = new ConcurrentHashMap<>();
        private final Map<String, Long> killed = new ConcurrentHashMap<>();
        private final Map<String, Integer> tasks = new ConcurrentHashMap<>();

        Killer(Path state, List<String> labels) {
            this.state = state;
            this.labels = labels;
        }

        void onLine(String line) {
            Matcher m = JOB_START.matcher(line);
            if (!m.matches()) {
                return;
            }
            int stage = jobs.getAndIncrement(); // one result stage per job, numbered from 0
            String label = m.group(1);
            if (labels.contains(label) && stages.putIfAbsent(label, stage) == null) {
                tasks.put(label, Integer.parseInt(m.group(2)));
                CompletableFuture.runAsync(() -> killed.put(label, killExecutorRunning(state, stage)));
            }
        }

        int stage(String label) {
            return stages.getOrDefault(label, -1);
        }

        /** How many tasks the stage of {@code label} has (its first progress line's "0/K tasks"); -1 if unseen. */
        int tasks(String label) {
            return tasks.getOrDefault(label, -1);
        }

        long killed(String label) {
            return killed.getOrDefault(label, 0L);
        }

        @Override
        public String toString() {
            return labels.stream().map(l -> "pid " + killed(l) + " in " + l + " stage " + stage(l)).toList().toString();
        }
    }

    /**
     * Waits until some executor's log (its stderr, in the worker's work dir app-ID/EXEC-ID) has as latest task line
     * "Running task ... in stage {@code stage}.N", then SIGKILLs that executor's JVM; returns its pid, -1 if none was
     * caught in a ranking task within a minute.
     */
    private static long killExecutorRunning(Path state, int stage) {
        String marker = state + "/";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.walk(state.resolve("work"))) {
                for (Path f : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
                    if (!runningTaskOf(Files.readString(f, StandardCharsets.ISO_8859_1), stage)) {
                        continue;
                    }
                    String id = f.getParent().getFileName().toString();
                    Optional<ProcessHandle> executor = ProcessHandle.allProcesses().filter(p -> p.info()
                            .commandLine().filter(c -> c.contains(marker) && c.contains("CoarseGrainedExecutorBackend")
                                    && c.contains("--executor-id " + id + " ")).isPresent()).findFirst();
                    if (executor.isPresent()) {
                        executor.get().destroyForcibly(); // SIGKILL
                        return executor.get().pid();
                    }
                }
                Thread.sleep(10);
            } catch (IOException | java.io.UncheckedIOException e) {
                // a work dir is being created: try again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return -1;
    }

    /** Whether the latest "Running task"/"Finished task" line of an executor log starts a task of {@code stage}. */
    static boolean runningTaskOf(String log, int stage) {
        int running = log.lastIndexOf("Running task ");
        if (running < 0 || log.lastIndexOf("Finished task ") > running) {
            return false;
        }
        int end = log.indexOf('\n', running);
        String line = log.substring(running, end < 0 ? log.length() : end);
        return line.matches("Running task \\d+\\.\\d+ in stage " + stage + "\\.\\d+ .*");
    }
}
