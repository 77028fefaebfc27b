package dev.sparkptq.zoo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the tool on one zoo model as a user would, each command a child process ({@code bin/spark-ptq}, or the CLI's
 * main class in a child JVM):
 * {@code quantize -q default} (or {@code -q accuracy_aware --max-drop X}; a model with several inputs needs the
 * NPY reader's inputs map, so it gets {@code -c config.json} with the same algorithm), then
 * {@code benchmark evaluate --models FP32,INT8} on the held-out data (per-output fidelity and interleaved one-thread
 * latency), and reads report.json.
 */
public final class ZooRunner {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param launcher       the command that runs the CLI: {@code [<project>/bin/spark-ptq]}, or a child JVM running
     *                       {@code dev.sparkptq.cli.Main} on a test classpath
     * @param workDir        the folder commands run in
     * @param out            where each model's output folders go ({@code out/<model>/<mode>/})
     * @param maxDrop        null: {@code -q default}; else {@code -q accuracy_aware --max-drop maxDrop}
     * @param latencySamples samples timed per round
     * @param rounds         interleaved rounds
     * @param timeoutMinutes per command
     * @param calibLimit     calibrate (and, in quick mode, validate the search) on at most this many of the
     *                       calibration samples, spread evenly; null = all
     * @param reuse          keep an earlier finished quantize command's result in the output folder (its exit code
     *                       file) instead of running it again: resume an interrupted table
     */
    public record Options(List<String> launcher, Path workDir, Path out, Double maxDrop, int latencySamples, int rounds,
                          int timeoutMinutes, Integer calibLimit, boolean reuse) {
        String mode() {
            return maxDrop == null ? "default" : "accuracy_aware";
        }
    }

    private final Options options;

    public ZooRunner(Options options) {
        this.options = options;
    }

    /** Quantizes and measures one model whose data is in {@code data} (a {@link ZooData} folder). */
    public ZooRow run(ZooModel m, Path data) throws IOException {
        Path dir = options.out().resolve(m.name()).resolve(options.mode());
        Files.createDirectories(dir);
        Path q = dir.resolve("quantized");
        List<String> inputs = inputs(data);
        Path calib = limited(data.resolve("calib"), inputs, dir);
        String via = inputs.size() == 1 ? "-q " + options.mode() : "-c config";
        List<String> cmd = new ArrayList<>(List.of("quantize"));
        if (inputs.size() == 1) {
            cmd.addAll(List.of("-q", options.mode(), "--model", m.file().toString(), "--data-source",
                    calib.toString()));
            if (options.maxDrop() != null) {
                cmd.addAll(List.of("--max-drop", options.maxDrop().toString()));
            }
        } else {
            cmd.addAll(List.of("-c", config(data, dir, calib).toString()));
        }
        cmd.addAll(List.of("--output-dir", q.toString(), "--overwrite"));
        long t0 = System.nanoTime();
        Console quantize = options.reuse() ? Console.read(dir, "quantize") : null;
        if (quantize == null) {
            quantize = spark(cmd, dir, "quantize");
        }
        double seconds = quantize.seconds() >= 0 ? quantize.seconds() : (System.nanoTime() - t0) / 1e9;
        Path model = q.resolve("model.onnx");
        JsonNode report = read(q.resolve("report.json"));
        JsonNode eval = null;
        if (quantize.code() == 0 || quantize.code() == 5) {
            Path evalJson = dir.resolve("evaluate.json");
            Console e = spark(List.of("benchmark", "evaluate", "--models", m.file() + "," + model, "--config",
                    data.resolve("config.json").toString(), "--samples", Integer.toString(options.latencySamples()),
                    "--rounds", Integer.toString(options.rounds()), "--threads", "1", "--output",
                    evalJson.toString()), dir, "evaluate");
            eval = e.code() == 0 ? read(evalJson) : null;
        }
        return row(m, via, quantize, seconds, report, eval, Files.isRegularFile(model)
                ? (double) Files.size(model) / Files.size(m.file()) : null);
    }

    private ZooRow row(ZooModel m, String via, Console quantize, double seconds, JsonNode report, JsonNode eval,
                       Double sizeRatio) {
        JsonNode aaq = report == null ? null : report.path("accuracy_aware");
        boolean hasAaq = aaq != null && aaq.isObject();
        JsonNode int8 = eval == null ? null : eval.path("models").path(1);
        JsonNode fp32 = eval == null ? null : eval.path("models").path(0);
        List<ZooRow.OutputFidelity> outputs = new ArrayList<>();
        Double minArgmax = null;
        if (int8 != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = int8.path("outputs").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> o = it.next();
                Double argmax = number(o.getValue().path("argmax_agreement"));
                outputs.add(new ZooRow.OutputFidelity(o.getKey(), o.getValue().path("cosine").asDouble(),
                        number(o.getValue().path("sqnr_db")), argmax));
                if (argmax != null) {
                    minArgmax = minArgmax == null ? argmax : Double.valueOf(Math.min(minArgmax, argmax));
                }
            }
        }
        JsonNode worst = int8 == null ? null : int8.path("worst_output");
        return new ZooRow(m.name(), via, options.mode(), quantize.code(), quantize.error(), quantize.stackTrace(),
                seconds, preparation(report), report == null ? null : number(report.path("integer_kernels")
                .path("integer_share")), sizeRatio, fp32 == null ? null : ms(fp32), int8 == null ? null : ms(int8),
                worst == null ? null : worst.path("output").asText(null),
                worst == null ? null : number(worst.path("cosine")),
                worst == null ? null : number(worst.path("min_sqnr_db")), minArgmax,
                hasAaq ? aaq.path("reverted_groups").size() : null,
                hasAaq ? aaq.path("groups").asInt() : null, outputs);
    }

    /** report.json's preparation section as "step: what it did" pairs, when the tool writes one. */
    private static String preparation(JsonNode report) {
        JsonNode p = report == null ? null : report.get("preparation");
        if (p == null || p.isNull()) {
            return null;
        }
        String text = p.toString();
        return text.length() > 200 ? text.substring(0, 197) + "..." : text;
    }

    /** The multi-input config with the algorithm of this run's mode (quick mode's defaults otherwise). */
    private Path config(Path data, Path dir, Path calib) throws IOException {
        ObjectNode c = (ObjectNode) JSON.readTree(data.resolve("config.json").toFile());
        ((ObjectNode) c.path("engine")).put("data_source", calib.toAbsolutePath().toString());
        ObjectNode algo = c.putObject("compression").putArray("algorithms").addObject();
        algo.put("name", options.maxDrop() == null ? "DefaultQuantization" : "AccuracyAwareQuantization");
        ObjectNode params = algo.putObject("params").put("preset", "performance");
        if (options.maxDrop() != null) {
            params.put("maximal_drop", options.maxDrop());
        }
        Path file = dir.resolve("config.json");
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(c));
        return file;
    }

    /** The calibration folder, or a folder of links to {@code calibLimit} of its samples spread evenly. */
    private Path limited(Path calib, List<String> inputs, Path dir) throws IOException {
        if (options.calibLimit() == null) {
            return calib;
        }
        Path out = dir.resolve("calib-" + options.calibLimit());
        for (String input : inputs) {
            Path from = inputs.size() == 1 ? calib : calib.resolve(ZooData.folder(input));
            Path to = inputs.size() == 1 ? out : out.resolve(ZooData.folder(input));
            Files.createDirectories(to);
            for (Path f : ImageSamples.evenly(ZooData.list(from), options.calibLimit())) {
                Path link = to.resolve(f.getFileName());
                if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, f.toAbsolutePath());
                }
            }
        }
        return out;
    }

    private static List<String> inputs(Path data) throws IOException {
        List<String> out = new ArrayList<>();
        JSON.readTree(data.resolve("zoo-data.json").toFile()).path("inputs").forEach(n -> out.add(n.asText()));
        return out;
    }

    /** A finished child command: exit code, first error line, whether a stack trace was printed, wall seconds. */
    record Console(int code, String error, boolean stackTrace, double seconds) {
        /** The outcome an earlier run recorded in {@code dir}, or null. */
        static Console read(Path dir, String name) throws IOException {
            Path f = dir.resolve(name + ".exit");
            if (!Files.isRegularFile(f)) {
                return null;
            }
            String[] v = Files.readString(f).strip().split(" ");
            return console(dir, name, Integer.parseInt(v[0]), Double.parseDouble(v[1]));
        }

        static Console console(Path dir, String name, int code, double seconds) throws IOException {
            List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve(name + ".out"),
                    StandardCharsets.UTF_8));
            lines.addAll(Files.readAllLines(dir.resolve(name + ".err"), StandardCharsets.UTF_8));
            String error = lines.stream().filter(l -> l.contains("error:") || l.startsWith("ERROR")
                    || l.contains(" ERROR ")).findFirst().orElse(null);
            boolean trace = lines.stream().anyMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by:")
                    || l.startsWith("Exception in thread"));
            return new Console(code, error, trace, seconds);
        }
    }

    private Console spark(List<String> args, Path dir, String name) throws IOException {
        List<String> cmd = new ArrayList<>(options.launcher());
        cmd.addAll(args);
        Path outFile = dir.resolve(name + ".out");
        Path errFile = dir.resolve(name + ".err");
        Files.writeString(dir.resolve(name + ".cmd"), String.join(" ", cmd.subList(options.launcher().size() - 1,
                cmd.size())) + "\n");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).directory(options.workDir().toFile())
                .redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
        try {
            if (!p.waitFor(options.timeoutMinutes(), TimeUnit.MINUTES)) {
                // bin/spark-ptq is a shell script: its JVM is a grandchild and must go too
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                return new Console(-1, "timed out after " + options.timeoutMinutes() + " min", false, -1);
            }
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Files.writeString(dir.resolve(name + ".exit"), p.exitValue() + " " + seconds + "\n");
        return Console.console(dir, name, p.exitValue(), seconds);
    }

    private static JsonNode read(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Double number(JsonNode n) {
        return n == null || !n.isNumber() ? null : n.asDouble();
    }

    /** One thread's CPU time per sample when measured (immune to other load on the machine), else wall time. */
    private static Double ms(JsonNode model) {
        JsonNode cpu = model.path("thread_cpu_ms_per_sample");
        return cpu.isNumber() ? Double.valueOf(cpu.asDouble()) : number(model.path("ms_per_sample"));
    }
}
