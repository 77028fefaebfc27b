package dev.sparkptq.algorithms.biascorrection;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.Npy;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.pipeline.InProcessBackend;
import dev.sparkptq.pipeline.QuantizationPipeline;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.RunResult;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.model;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transformer case: MatMul by a constant followed by an Add of a constant bias, channels on the last axis. */
class MatMulBiasCorrectionTest {
    private static final int SAMPLES = 12;

    private static Path setUp(Path dir) throws Exception {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("linear")
                .addInput(floatInfo("x", 1, 4, 8)).addOutput(floatInfo("y", 1, 4, 6))
                .addInitializer(floats("B", 11, 8, 6)).addInitializer(floats("C", 12, 6))
                .addInitializer(floats("D", 13, 8)).addValueInfo(floatInfo("h", 1, 4, 8))
                // an offset first, so that the quantized MatMul input is not a graph input (a run whose statistics
                // all come from graph inputs has nothing to fetch — a separate limitation of the statistics pass)
                .addNode(node("Add", "offset", List.of("x", "D"), List.of("h")))
                .addNode(node("MatMul", "matmul", List.of("h", "B"), List.of("m")))
                .addNode(node("Add", "add", List.of("m", "C"), List.of("y")));
        ModelIo.save(model(13, g), dir.resolve("linear.onnx"));
        Path data = Files.createDirectories(dir.resolve("data"));
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < SAMPLES; i++) {
            float[] x = new float[32];
            for (int k = 0; k < x.length; k++) {
                x[k] = (float) (rnd.nextDouble() * 3 - 0.5 + (k % 8) * 0.3); // per-feature offsets: nonzero means
            }
            Npy.write(data.resolve(String.format("s%03d.npy", i)), Tensor.ofFloats(new long[]{1, 4, 8}, x));
        }
        return data;
    }

    /** Stands for "no bias correction": the run uses MinMaxQuantization (DefaultQuantization minus the correction). */
    private static final String NO_CORRECTION = "minmax";

    private static RunResult run(Path dir, String params, String out) throws Exception {
        String json = """
                { "model": { "model": "linear.onnx" },
                  "engine": { "data_source": "data", "speed_guard": false,
                              "reader": { "type": "npy" }, "num_partitions": 1 },
                  "compression": { "algorithms": [ { "name": "DefaultQuantization",
                                                     "params": { "preset": "performance" %s } } ] } }
                """.formatted(params.equals(NO_CORRECTION) ? "" : params);
        if (params.equals(NO_CORRECTION)) {
            json = json.replace("DefaultQuantization", "MinMaxQuantization");
        }
        return new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()), m -> { })
                .run(ConfigLoader.fromJson(json, dir, ConfigOverrides.none()),
                        new RunOptions(dir.resolve(out), RunOptions.Evaluation.SKIP, 1,
                                Files.createDirectories(dir.resolve("work-" + out))));
    }

    /** Sum over output channels of |mean over samples and tokens of (quantized − FP32)|, by ORT. */
    private static double meanError(Path dir, Path quantized) throws Exception {
        OrtEngineFactory f = new OrtEngineFactory();
        InferenceEngine fp32 = f.open(blob(dir.resolve("linear.onnx")), EngineOptions.forInference(1));
        InferenceEngine q = f.open(blob(quantized), EngineOptions.forInference(1));
        double[] err = new double[6];
        for (int i = 0; i < SAMPLES; i++) {
            Tensor x = Npy.read(dir.resolve("data").resolve(String.format("s%03d.npy", i)));
            float[] a = fp32.run(Map.of("x", x), List.of("y")).get("y").floats();
            float[] b = q.run(Map.of("x", x), List.of("y")).get("y").floats();
            for (int k = 0; k < a.length; k++) {
                err[k % 6] += b[k] - a[k];
            }
        }
        double sum = 0;
        for (double e : err) {
            sum += Math.abs(e / (SAMPLES * 4));
        }
        return sum;
    }

    private static ModelBlob blob(Path model) {
        byte[] bytes = ModelIo.toBytes(ModelIo.load(model));
        return ModelBlob.ofBytes(ModelIo.sha256(bytes), bytes);
    }

    @Test
    void matMulFollowedByAddOfAConstantIsCorrectedOnItsLastAxis(@TempDir Path tmp) throws Exception {
        setUp(tmp);
        RunResult off = run(tmp, NO_CORRECTION, "off");
        RunResult on = run(tmp, ", \"apply_for_all_nodes\": true", "on");
        RunReport.BiasCorrectionSummary s = on.report().biasCorrection();
        assertEquals(1, s.candidates());
        assertEquals("C", s.corrected().get(0).bias());
        double before = meanError(tmp, off.model());
        double after = meanError(tmp, on.model());
        assertTrue(after < before, "mean error " + after + " vs " + before + " without correction");
    }
}
