package dev.sparkptq.runtime.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.NodeProfile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX Runtime's own per-node profiler ({@code SessionOptions.enableProfiling}), read back into a
 * {@link NodeProfile}. ORT writes a Chrome trace: one {@code model_run} event per run and one
 * {@code <node>_kernel_time} event per executed node with its op type; events of the warm-up runs (first-run
 * allocations, up to 10× slower) are dropped by timestamp, and each node's time is a low quantile of its runs.
 */
final class OrtProfiler {
    private static final String KERNEL_SUFFIX = "_kernel_time";
    /** See {@link #lowQuantile}. */
    static final double QUANTILE = 0.2;

    private OrtProfiler() {
    }

    static NodeProfile profile(ModelBlob blob, EngineOptions options, List<Map<String, Tensor>> inputs, int warmup,
                               int runs, Path workDir) {
        if (inputs.isEmpty() || runs < 1 || warmup < 0) {
            throw new InternalException("profiling needs inputs, runs >= 1 and warmup >= 0; got " + inputs.size()
                    + " inputs, " + runs + " runs, warmup " + warmup);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Path trace = null;
        try (OrtSession.SessionOptions so = OrtSessions.sessionOptions(options)) {
            so.enableProfiling(workDir.resolve("ort-profile").toAbsolutePath().toString());
            try (OrtSession session = OrtSessions.create(env, blob, so)) {
                for (int i = 0; i < warmup + runs; i++) {
                    try (NativeInputs in = NativeInputs.of(env, inputs.get(i % inputs.size()));
                         OrtSession.Result r = session.run(in.tensors())) {
                        r.size(); // outputs are released with the result
                    }
                }
                trace = Path.of(session.endProfiling());
            }
            return read(trace, warmup, runs);
        } catch (OrtException e) {
            throw new InternalException("ONNX Runtime could not profile the model: " + OrtMessages.oneLine(e), e);
        } finally {
            deleteQuietly(trace);
        }
    }

    /** The per-node means over the runs after the first {@code warmup} ones. */
    static NodeProfile read(Path trace, int warmup, int runs) {
        JsonNode events;
        try {
            events = new ObjectMapper().readTree(trace.toFile());
        } catch (IOException e) {
            throw new InternalException("cannot read ONNX Runtime's profile " + trace + ": " + e.getMessage(), e);
        }
        List<Long> runStarts = new ArrayList<>();
        for (JsonNode e : events) {
            if ("Session".equals(e.path("cat").asText()) && "model_run".equals(e.path("name").asText())) {
                runStarts.add(e.path("ts").asLong());
            }
        }
        runStarts.sort(Long::compare);
        long from = runStarts.size() > warmup ? runStarts.get(warmup) : Long.MIN_VALUE;
        Map<String, List<Double>> durations = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (JsonNode e : events) {
            String name = e.path("name").asText();
            if (!"Node".equals(e.path("cat").asText()) || !name.endsWith(KERNEL_SUFFIX)
                    || e.path("ts").asLong() < from) {
                continue;
            }
            String node = name.substring(0, name.length() - KERNEL_SUFFIX.length());
            durations.computeIfAbsent(node, k -> new ArrayList<>()).add(e.path("dur").asDouble());
            types.putIfAbsent(node, e.path("args").path("op_name").asText());
        }
        List<NodeProfile.NodeTime> out = new ArrayList<>();
        durations.forEach((node, d) -> out.add(new NodeProfile.NodeTime(node, types.get(node), lowQuantile(d))));
        return new NodeProfile(out, runs);
    }

    /**
     * The {@value #QUANTILE} quantile of a node's durations. Why not the mean: a run descheduled in the middle of a
     * kernel adds whole milliseconds to that one event (on a shared machine most events of a long profile are hit
     * by some), and only ever adds; the low quantile is what the kernel itself costs, and it is the same statistic
     * for every model compared.
     */
    static double lowQuantile(List<Double> durations) {
        List<Double> sorted = new ArrayList<>(durations);
        sorted.sort(Double::compare);
        return sorted.get((int) Math.floor(QUANTILE * (sorted.size() - 1)));
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover trace in the run's work folder is harmless; the folder is removed with the run
        }
    }
}
