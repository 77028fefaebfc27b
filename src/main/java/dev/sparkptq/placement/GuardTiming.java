package dev.sparkptq.placement;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.LatencyClock;
import dev.sparkptq.runtime.LatencyComparison;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.NodeProfile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The guard's measurements, through the runtime seam: interleaved rounds of FP32 against quantized variants on the
 * same calibration inputs, and per-node profiles. Every round runs each model for about {@link
 * SpeedAwarePlacement#ROUND_TARGET_MS} (passes sized from one warm pass of the FP32 model), so a guard costs a few
 * seconds whatever the model's size. Sessions opened here are evicted on {@link #close()}.
 */
final class GuardTiming implements AutoCloseable {
    private final EngineFactory engines;
    private final BiFunction<OnnxMl.ModelProto, String, ModelBlob> blobs;
    private final Path workDir;
    private final EngineOptions options;
    private final LatencyClock clock;
    private final List<Map<String, Tensor>> inputs;
    private final Set<String> opened = new LinkedHashSet<>();
    private int passes;
    private double fp32PassMs;

    GuardTiming(EngineFactory engines, BiFunction<OnnxMl.ModelProto, String, ModelBlob> blobs, Path workDir,
                int threads, List<Map<String, Tensor>> inputs) {
        this.engines = engines;
        this.blobs = blobs;
        this.workDir = workDir;
        this.options = EngineOptions.forInference(threads);
        this.clock = LatencyClock.forThreads(threads);
        this.inputs = List.copyOf(inputs);
    }

    LatencyClock clock() {
        return clock;
    }

    int threads() {
        return options.intraOpThreads();
    }

    int samples() {
        return inputs.size();
    }

    int rounds() {
        return SpeedAwarePlacement.ROUNDS;
    }

    /** Per-round ms/sample of FP32 and of each variant, interleaved, over {@link #rounds()} rounds. */
    Comparison compare(OnnxMl.ModelProto fp32, List<OnnxMl.ModelProto> variants) {
        return compare(fp32, variants, SpeedAwarePlacement.ROUNDS);
    }

    /** As {@link #compare(OnnxMl.ModelProto, List)} over {@code rounds} rounds (a confirmation runs longer). */
    Comparison compare(OnnxMl.ModelProto fp32, List<OnnxMl.ModelProto> variants, int rounds) {
        List<InferenceEngine> list = new ArrayList<>();
        list.add(open(fp32, "guard-fp32"));
        for (int i = 0; i < variants.size(); i++) {
            list.add(open(variants.get(i), "guard-variant-" + i));
        }
        if (passes == 0) {
            double[][] one = LatencyComparison.rounds(List.of(list.get(0)), inputs, 1, 1, clock);
            fp32PassMs = Math.max(1e-3, one[0][0] * inputs.size());
            passes = (int) Math.max(1, Math.min(200, Math.ceil(SpeedAwarePlacement.ROUND_TARGET_MS / fp32PassMs)));
        }
        return new Comparison(LatencyComparison.rounds(list, inputs, rounds, passes, clock));
    }

    /** The runtime's per-node profile of {@code model} over about {@link SpeedAwarePlacement#PROFILE_TARGET_MS}. */
    NodeProfile profile(OnnxMl.ModelProto model, String name) {
        int runs = (int) Math.max(inputs.size(), Math.min(400,
                Math.ceil(SpeedAwarePlacement.PROFILE_TARGET_MS / Math.max(1e-3, fp32PassMs / inputs.size()))));
        return engines.profile(blobs.apply(model, name), options, inputs, 2, runs, workDir);
    }

    private InferenceEngine open(OnnxMl.ModelProto model, String name) {
        ModelBlob blob = blobs.apply(model, name);
        opened.add(blob.digest());
        return engines.open(blob, options);
    }

    @Override
    public void close() {
        opened.forEach(engines::evict);
        opened.clear();
    }

    /** Timings of one comparison: index 0 of {@code perRound} is FP32, then the variants. */
    record Comparison(double[][] perRound) {
        double fp32Ms() {
            return median(perRound[0]);
        }

        double ms(int variant) {
            return median(perRound[variant + 1]);
        }

        /** Median over rounds of FP32 time / variant time (paired: drift between rounds cancels). */
        double speedup(int variant) {
            return median(ratios(variant));
        }

        /**
         * A distribution-free lower bound of the median speed-up at about 95 % confidence: the k-th smallest paired
         * ratio with k = ⌊(n − 1.96·√n) / 2⌋ (the sign-test interval of a median), so one slow or fast round moves
         * it little and more rounds tighten it. With the guard's 5 rounds it is the slowest round's ratio.
         */
        double lowerBound(int variant) {
            return lowerBound(variant, -1);
        }

        /** {@link #lowerBound(int)} of variant {@code variant} against variant {@code baseline} (-1: FP32). */
        double lowerBound(int variant, int baseline) {
            double[] r = ratios(variant, baseline);
            Arrays.sort(r);
            int k = (int) Math.floor((r.length - 1.96 * Math.sqrt(r.length)) / 2);
            return r[Math.max(0, Math.min(r.length - 1, k))];
        }

        int rounds() {
            return perRound[0].length;
        }

        private double[] ratios(int variant) {
            return ratios(variant, -1);
        }

        private double[] ratios(int variant, int baseline) {
            double[] r = new double[perRound[0].length];
            for (int i = 0; i < r.length; i++) {
                r[i] = perRound[baseline + 1][i] / perRound[variant + 1][i];
            }
            return r;
        }

        private static double median(double[] v) {
            double[] s = v.clone();
            Arrays.sort(s);
            int m = s.length / 2;
            return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
        }
    }
}
