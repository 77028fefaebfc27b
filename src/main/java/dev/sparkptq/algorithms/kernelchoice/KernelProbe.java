package dev.sparkptq.algorithms.kernelchoice;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Measures groups through the runtime seam, in the driver: the groups' input activations are captured once from
 * the float model on a few calibration samples; then each group's probe models run on them — the FLOAT probe's
 * outputs are the reference the others' errors are measured against, and the three are timed side by side in
 * interleaved rounds, one intra-op thread (kernel cost without threading noise; the one-thread figure is what the
 * speed targets are judged by).
 */
public final class KernelProbe {
    private final EngineFactory engines;
    private final Function<OnnxMl.ModelProto, ModelBlob> stage;
    private final int rounds;

    /**
     * @param stage  turns a model into something an engine can open (bytes, or a staged file for large models)
     * @param rounds interleaved timing rounds per group
     */
    public KernelProbe(EngineFactory engines, Function<OnnxMl.ModelProto, ModelBlob> stage, int rounds) {
        this.engines = engines;
        this.stage = stage;
        this.rounds = rounds;
    }

    /**
     * The values of {@code tensors} in {@code model} on each sample (one map per sample, tensor → value).
     */
    public List<Map<String, Tensor>> capture(OnnxMl.ModelProto model, List<String> tensors,
                                             List<Map<String, Tensor>> samples) {
        List<GraphEdit> expose = new ArrayList<>();
        tensors.forEach(t -> expose.add(new GraphEdit.AddOutput(t)));
        ModelBlob blob = stage.apply(GraphRewriter.apply(model, expose));
        List<Map<String, Tensor>> out = new ArrayList<>();
        try {
            InferenceEngine engine = engines.open(blob, EngineOptions.forInference(1));
            for (Map<String, Tensor> s : samples) {
                out.add(engine.run(s, tensors));
            }
        } finally {
            engines.evict(blob.digest());
        }
        return out;
    }

    /**
     * Each kernel's ms per sample for one group, on {@code inputs} (the group's input per sample): every round runs
     * every sample on every kernel, rotating which kernel goes first; a kernel's figure is the sum over samples of
     * its fastest run. The minimum, not the median, because on a shared machine contention only ever adds time: the
     * fastest of several runs is the closest to what the kernel costs, and the order of two kernels by their minima
     * is stable where medians of loaded runs are not.
     */
    public Map<Kernel, Double> latency(ProbeModels.Probes probes, List<Tensor> inputs) {
        return withEngines(probes, open -> {
            List<Map<String, Tensor>> feeds = feeds(inputs);
            List<Kernel> kernels = new ArrayList<>(open.keySet());
            List<String> outputs = new ArrayList<>(probes.outputs().values());
            double[][] best = new double[kernels.size()][feeds.size()];
            for (double[] b : best) {
                java.util.Arrays.fill(b, Double.POSITIVE_INFINITY);
            }
            for (int r = -1; r < rounds; r++) { // round -1 warms up (allocations, weight packing)
                for (int i = 0; i < feeds.size(); i++) {
                    for (int j = 0; j < kernels.size(); j++) {
                        int k = (j + Math.max(r, 0) + i) % kernels.size();
                        long t0 = System.nanoTime();
                        open.get(kernels.get(k)).run(feeds.get(i), outputs);
                        double ms = (System.nanoTime() - t0) / 1e6;
                        if (r >= 0) {
                            best[k][i] = Math.min(best[k][i], ms);
                        }
                    }
                }
            }
            Map<Kernel, Double> out = new EnumMap<>(Kernel.class);
            for (int k = 0; k < kernels.size(); k++) {
                out.put(kernels.get(k), java.util.Arrays.stream(best[k]).sum() / feeds.size());
            }
            return out;
        });
    }

    /**
     * Each op's output error per kernel against the FLOAT probe on the same inputs, {@code Σ(y_k − y)² / Σ y²}.
     */
    public Map<String, Map<Kernel, Double>> errors(ProbeModels.Probes probes, List<Tensor> inputs) {
        return withEngines(probes, open -> errors(probes, open, feeds(inputs)));
    }

    private static List<Map<String, Tensor>> feeds(List<Tensor> inputs) {
        return inputs.stream().map(t -> Map.of(ProbeModels.INPUT, t)).toList();
    }

    private <T> T withEngines(ProbeModels.Probes probes, Function<Map<Kernel, InferenceEngine>, T> body) {
        Map<Kernel, InferenceEngine> open = new LinkedHashMap<>();
        List<String> digests = new ArrayList<>();
        try {
            probes.models().forEach((k, m) -> {
                ModelBlob blob = stage.apply(m);
                digests.add(blob.digest());
                open.put(k, engines.open(blob, EngineOptions.forInference(1)));
            });
            return body.apply(open);
        } finally {
            digests.forEach(engines::evict);
        }
    }

    private static Map<String, Map<Kernel, Double>> errors(ProbeModels.Probes probes, Map<Kernel, InferenceEngine> open,
                                                           List<Map<String, Tensor>> feeds) {
        List<String> outputs = new ArrayList<>(probes.outputs().values());
        Map<String, double[]> sums = new HashMap<>(); // output → [Σy², Σ(y_static − y)², Σ(y_dynamic − y)²]
        for (Map<String, Tensor> feed : feeds) {
            Map<String, Tensor> ref = open.get(Kernel.FLOAT).run(feed, outputs);
            Map<Kernel, Map<String, Tensor>> got = new EnumMap<>(Kernel.class);
            for (Kernel k : open.keySet()) {
                if (k != Kernel.FLOAT) {
                    got.put(k, open.get(k).run(feed, outputs));
                }
            }
            for (String o : outputs) {
                double[] s = sums.computeIfAbsent(o, x -> new double[Kernel.values().length]);
                float[] y = ref.get(o).toFloats();
                for (float v : y) {
                    s[Kernel.FLOAT.ordinal()] += (double) v * v;
                }
                got.forEach((k, out) -> s[k.ordinal()] += squaredDiff(y, out.get(o).toFloats()));
            }
        }
        Map<String, Map<Kernel, Double>> error = new LinkedHashMap<>();
        probes.outputs().forEach((op, o) -> {
            double[] s = sums.get(o);
            Map<Kernel, Double> e = new EnumMap<>(Kernel.class);
            for (Kernel k : open.keySet()) {
                e.put(k, k == Kernel.FLOAT ? 0.0 : s[k.ordinal()] / Math.max(s[Kernel.FLOAT.ordinal()], 1e-30));
            }
            error.put(op, e);
        });
        return error;
    }

    private static double squaredDiff(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) b[i] - a[i];
            s += d * d;
        }
        return s;
    }
}
