package dev.sparkptq.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkptq.cli.Main;
import dev.sparkptq.e2e.MnistE2eTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MNIST-8 quantized on a real standalone cluster (a master, two worker JVMs, an executor JVM on each, started by
 * {@code jobs/loopback-cluster.sh run}) and in-process on {@code local[2]}: the two model.onnx files must be
 * byte-identical, because the statistics are merged in partition order whatever runs the partitions. Also checks
 * that the cluster really was one (the standalone master in report.json, one executor per worker) and that the
 * script leaves no JVM behind. Needs the packaged app jar: the {@code cluster} profile runs this after
 * {@code package}.
 */
@Tag("cluster")
class LoopbackClusterTest {
    private static final int WORKERS = 2;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void twoWorkerClusterWritesTheSameModelBytesAsLocalModeAndLeavesNoJvmBehind(@TempDir Path tmp) throws Exception {
        Path project = Path.of(System.getProperty("sparkptq.project.dir", "")).toAbsolutePath();
        Path shared = Path.of(System.getProperty("sparkptq.shared.dir", "../shared")).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(shared.resolve("models/mnist-8.onnx")),
                "the cluster test needs ../shared/models/mnist-8.onnx next to the repository");
        assertTrue(hasAppJar(project.resolve("target")),
                "no target/spark-ptq-*-spark-app.jar; run the cluster tests with 'mvn -B verify -Pcluster'");
        MnistE2eTest.writeNpySplit(shared.resolve("data/mnist"), tmp);
        Path config = tmp.resolve("mnist-npy.json");
        Files.writeString(config, MnistE2eTest.withoutSpeedGuard(MnistE2eTest.config(shared, 4)));

        String master = "spark://127.0.0.1:" + freePort();
        Path state = tmp.resolve("cluster-state");
        Path clusterOut = tmp.resolve("cluster");
        JvmWatcher jvms = new JvmWatcher(state);
        long c0 = System.nanoTime();
        ScriptRun run;
        try (jvms) {
            run = script(project, state, "run", "--workers", Integer.toString(WORKERS),
                    "--port", master.substring(master.lastIndexOf(':') + 1), "--",
                    "quantize", "-c", config.toString(), "--output-dir", clusterOut.toString(), "--master", master);
        }
        double clusterSeconds = (System.nanoTime() - c0) / 1e9;
        assertEquals(0, run.code(), "loopback-cluster.sh run failed; its output:\n" + run.output());

        Path localOut = tmp.resolve("local");
        long l0 = System.nanoTime();
        int code = Main.run(List.of("quantize", "-c", config.toString(), "--output-dir", localOut.toString(),
                "--master", "local[2]"), System.out, System.err);
        double localSeconds = (System.nanoTime() - l0) / 1e9;
        assertEquals(0, code, "the local[2] run failed");
        System.out.printf("MNIST-8 quantize: %d-worker loopback cluster %.1f s (script: start + submit + stop; %s),"
                + " in-process local[2] %.1f s%n", WORKERS, clusterSeconds, run.timings(), localSeconds);

        byte[] clusterModel = Files.readAllBytes(clusterOut.resolve("model.onnx"));
        byte[] localModel = Files.readAllBytes(localOut.resolve("model.onnx"));
        assertEquals(sha256(localModel), sha256(clusterModel),
                "model.onnx differs between the cluster and local[2] (sizes " + clusterModel.length + " and "
                        + localModel.length + "); compare the tensors of the two report.json files");

        JsonNode report = new ObjectMapper().readTree(clusterOut.resolve("report.json").toFile());
        assertEquals("spark " + master + " (" + WORKERS + " cores, " + WORKERS + " executors)",
                report.get("provenance").get("backend").asText());
        assertOneExecutorPerWorker(state);

        // separate JVMs really ran: a master, the workers, a driver and at least one executor per worker (the
        // standalone master may relaunch an executor that failed to register on a loaded machine; the report above
        // already says both workers' executors served the job)
        assertTrue(jvms.seen(Role.MASTER) == 1 && jvms.seen(Role.WORKER) == WORKERS
                        && jvms.seen(Role.EXECUTOR) >= WORKERS && jvms.seen(Role.DRIVER) == 1,
                "expected 1 master, " + WORKERS + " workers, at least " + WORKERS + " executors and 1 driver JVM, "
                        + "saw " + jvms.roles());
        System.out.println("executor JVMs seen: " + jvms.seen(Role.EXECUTOR));
        List<Long> alive = jvms.pids().stream().filter(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive)
                .orElse(false)).toList();
        assertEquals(List.of(), alive, "JVMs of the cluster still alive after stop: " + jvms.roles());
    }

    /**
     * SIGKILL of one executor JVM as soon as the driver starts the statistics pass: Spark re-runs the lost tasks on
     * the other executor (or on the one the standalone master relaunches), and since partition results are merged
     * on the driver from one result per partition index (never from accumulators a retried task could add twice),
     * the model is byte-identical to an undisturbed local[2] run.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void killingAnExecutorDuringCalibrationGivesTheSameModelBytes(@TempDir Path tmp) throws Exception {
        Path project = Path.of(System.getProperty("sparkptq.project.dir", "")).toAbsolutePath();
        Path shared = Path.of(System.getProperty("sparkptq.shared.dir", "../shared")).toAbsolutePath().normalize();
        assertTrue(hasAppJar(project.resolve("target")), "no target/spark-ptq-*-spark-app.jar; mvn -B verify -Pcluster");
        MnistE2eTest.writeNpySplit(shared.resolve("data/mnist"), tmp);
        // 9,000 calibration digits (the eval split) in 8 partitions: each statistics task runs about a second, so the
        // kill lands inside one (300 digits made tasks of tens of milliseconds that ended before the kill, in CI)
        Path config = Files.writeString(tmp.resolve("mnist-npy.json"), MnistE2eTest.withoutSpeedGuard(MnistE2eTest.config(shared, 8))
                .replace("\"data_source\": \"calib/images.npy\"", "\"data_source\": \"eval/images.npy\"")
                .replace("\"stat_subset_size\": 300", "\"stat_subset_size\": 9000"));
        String master = "spark://127.0.0.1:" + freePort();
        Path state = tmp.resolve("cluster-state");
        Path clusterOut = tmp.resolve("cluster");
        RankingExecutorLossTest.Killer killer = new RankingExecutorLossTest.Killer(state, List.of("statistics"));
        ScriptRun run;
        try (JvmWatcher jvms = new JvmWatcher(state)) {
            run = script(project, state, killer::onLine, "run", "--workers", Integer.toString(WORKERS), "--port",
                    master.substring(master.lastIndexOf(':') + 1), "--", "quantize", "-c", config.toString(),
                    "--output-dir", clusterOut.toString(), "--master", master, "--stream-output");
            System.out.println("executor JVMs seen: " + jvms.seen(Role.EXECUTOR) + " (killed " + killer + ")");
        }
        assertEquals(0, run.code(), "the run with a killed executor failed; its output:\n" + run.output());
        int stage = killer.stage("statistics");
        assertTrue(stage >= 0, "no 'statistics' job started; output:\n" + run.output());
        assertTrue(killer.killed("statistics") > 0, "an executor running a statistics task (stage " + stage
                + ") was found and killed");
        List<String> evidence = logLines(state, "137");
        evidence.forEach(l -> System.out.println("executor loss in the cluster logs: " + l));
        assertTrue(!evidence.isEmpty(), "the master/worker logs record the killed executor (exit code 137)");
        // the proof that a task was lost and re-run: more task attempts of the statistics stage started in the
        // executors' logs than it has partitions. (The driver's "Lost task" line is only logged at WARN when the
        // worker's exit report reaches the driver before the dropped connection does, so it is not reliable.)
        List<String> starts = taskStarts(state, stage);
        starts.forEach(l -> System.out.println("executor: " + l));
        assertEquals(8, killer.tasks("statistics"), "the statistics stage has one task per partition");
        assertTrue(starts.size() > 8, "a statistics task (stage " + stage + ", 8 partitions) was lost with the "
                + "executor and re-run: " + starts.size() + " task attempts started: " + starts);

        Path localOut = tmp.resolve("local");
        assertEquals(0, Main.run(List.of("quantize", "-c", config.toString(), "--output-dir", localOut.toString(),
                "--master", "local[2]"), System.out, System.err));
        assertEquals(sha256(Files.readAllBytes(localOut.resolve("model.onnx"))),
                sha256(Files.readAllBytes(clusterOut.resolve("model.onnx"))),
                "model.onnx after an executor loss differs from the undisturbed local[2] model");
    }

    /** "Running task P.A in stage S.N (TID T)" lines of stage {@code stage} in every executor's log. */
    static List<String> taskStarts(Path state, int stage) throws IOException {
        java.util.regex.Pattern start = java.util.regex.Pattern.compile(
                ".*Running task \\d+\\.\\d+ in stage " + stage + "\\.\\d+ \\(TID \\d+\\).*");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(state.resolve("work"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
                Files.readString(f, StandardCharsets.ISO_8859_1).lines().filter(l -> start.matcher(l).matches())
                        .forEach(found::add);
            }
        }
        return found;
    }

    /** Lines containing {@code fragment} in the cluster's log files (master, workers, executors). */
    static List<String> logLines(Path state, String fragment) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(state)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".log")
                    || f.getFileName().toString().equals("stderr")).toList()) {
                try (Stream<String> lines = Files.lines(f, StandardCharsets.UTF_8)) {
                    lines.filter(l -> l.contains(fragment) && l.toLowerCase().contains("executor"))
                            .forEach(found::add);
                } catch (java.io.UncheckedIOException e) {
                    // a binary or non-UTF-8 file: not a log
                }
            }
        }
        return found;
    }

    /** Each worker's work dir holds the one application with one executor (the standalone layout app-ID/EXEC-ID). */
    private static void assertOneExecutorPerWorker(Path state) throws IOException {
        for (int w = 1; w <= WORKERS; w++) {
            Path work = state.resolve("work/worker-" + w);
            List<Path> apps = list(work);
            assertEquals(1, apps.size(), "applications in " + work + ": " + apps);
            List<Path> executors = list(apps.get(0));
            assertEquals(1, executors.size(), "executors in " + apps.get(0) + ": " + executors);
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).toList();
        }
    }

    record ScriptRun(int code, String output) {
        /** The script's own timing lines ("started ... in X s", "submit finished ... in X s", "stopped ... in X s"). */
        String timings() {
            return output.lines().filter(l -> l.matches("loopback-cluster: (started|submit finished|stopped) .*"))
                    .map(l -> l.replaceAll("^loopback-cluster: (\\w+).* in ([0-9.]+s).*", "$1 $2"))
                    .reduce((a, b) -> a + ", " + b).orElse("no timings");
        }
    }

    static ScriptRun script(Path project, Path state, String... args) throws Exception {
        return script(project, state, line -> { }, args);
    }

    static ScriptRun script(Path project, Path state, java.util.function.Consumer<String> onLine,
                                    String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", project.resolve("jobs/loopback-cluster.sh").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true);
        pb.environment().put("SPARK_PTQ_CLUSTER_DIR", state.toString());
        Process p = pb.start();
        // a hung driver must not hang the build: TERM makes the script stop the driver and the cluster
        CompletableFuture.delayedExecutor(8, TimeUnit.MINUTES).execute(p::destroy);
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                System.out.println(line);
                out.append(line).append('\n');
                onLine.accept(line);
            }
        }
        return new ScriptRun(p.waitFor(), out.toString());
    }

    static boolean hasAppJar(Path target) throws IOException {
        try (Stream<Path> s = Files.list(target)) {
            return s.anyMatch(f -> f.getFileName().toString().matches("spark-ptq-.*-spark-app\\.jar"));
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    enum Role { MASTER, WORKER, EXECUTOR, DRIVER, OTHER }

    /**
     * Samples the process table every 100 ms for JVMs whose command line names the cluster's folder (the script puts
     * it in every JVM's temp dir or class path), remembering each pid and what it runs.
     */
    static final class JvmWatcher implements AutoCloseable {
        private final String marker;
        private final Map<Long, Role> seen = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        JvmWatcher(Path state) {
            this.marker = state.toString() + "/";
            this.thread = new Thread(this::loop, "jvm-watcher");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            while (running) {
                ProcessHandle.allProcesses().forEach(p -> p.info().commandLine()
                        .filter(c -> c.contains(marker) && p.info().command().orElse("").endsWith("java"))
                        .filter(c -> !forkOfSameRole(p, role(c)))
                        .ifPresent(c -> seen.putIfAbsent(p.pid(), role(c))));
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /**
         * A JVM that forks a helper process (Hadoop's shell probes, for one) briefly has a child with its own command
         * line before the child execs; such a child's parent has the same role, a real JVM's parent does not (an
         * executor's parent is its worker).
         */
        private static boolean forkOfSameRole(ProcessHandle p, Role role) {
            return p.parent().flatMap(q -> q.info().commandLine()).map(c -> role(c) == role).orElse(false);
        }

        private static Role role(String commandLine) {
            if (commandLine.contains("org.apache.spark.deploy.master.Master")) {
                return Role.MASTER;
            } else if (commandLine.contains("org.apache.spark.deploy.worker.Worker")) {
                return Role.WORKER;
            } else if (commandLine.contains("CoarseGrainedExecutorBackend")) {
                return Role.EXECUTOR;
            } else if (commandLine.contains("org.apache.spark.deploy.SparkSubmit")) {
                return Role.DRIVER;
            }
            return Role.OTHER;
        }

        long seen(Role role) {
            return seen.values().stream().filter(role::equals).count();
        }

        List<Long> pids() {
            return List.copyOf(seen.keySet());
        }

        Map<Long, Role> roles() {
            return Map.copyOf(seen);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join();
        }
    }
}
