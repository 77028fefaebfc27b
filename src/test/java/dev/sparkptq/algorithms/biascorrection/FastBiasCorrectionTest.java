package dev.sparkptq.algorithms.biascorrection;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.pipeline.InProcessBackend;
import dev.sparkptq.pipeline.QuantizationPipeline;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.RunResult;
import dev.sparkptq.pipeline.TinyRun;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FastBiasCorrection in a whole in-process run of the tiny Conv-Relu-Conv model, checked with ONNX Runtime. */
class FastBiasCorrectionTest {

    /** Stands for "no bias correction": the run uses MinMaxQuantization (DefaultQuantization minus the correction). */
    private static final String NO_CORRECTION = "minmax";

    private static RunResult run(TinyRun t, String params, Path out) throws Exception {
        String json = params.equals(NO_CORRECTION)
                ? t.json(1, "performance").replace("DefaultQuantization", "MinMaxQuantization")
                : t.json(1, "performance").replace("\"preset\": \"performance\"", "\"preset\": \"performance\"" + TinyRun.NO_CLE + params);
        return new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()), m -> { })
                .run(ConfigLoader.fromJson(json, t.dir, ConfigOverrides.none()),
                        t.options(out, RunOptions.Evaluation.SKIP));
    }

    /** Per output channel, mean over samples and positions of (quantized − FP32) output, by ORT. */
    private static double[] meanOutputError(TinyRun t, Path quantized) throws Exception {
        OrtEngineFactory f = new OrtEngineFactory();
        InferenceEngine fp32 = f.open(blob(t.model), EngineOptions.forInference(1));
        InferenceEngine q = f.open(blob(quantized), EngineOptions.forInference(1));
        double[] err = new double[2];
        long per = 0;
        for (float[] s : t.samples) {
            Map<String, Tensor> in = Map.of("x", Tensor.ofFloats(new long[]{1, 3, 8, 8}, s));
            float[] a = fp32.run(in, List.of("y")).get("y").floats();
            float[] b = q.run(in, List.of("y")).get("y").floats();
            for (int i = 0; i < a.length; i++) {
                err[i / 64] += b[i] - a[i];
            }
            per += 64;
        }
        for (int c = 0; c < 2; c++) {
            err[c] /= per;
        }
        return err;
    }

    private static ModelBlob blob(Path model) {
        byte[] bytes = ModelIo.toBytes(ModelIo.load(model));
        return ModelBlob.ofBytes(ModelIo.sha256(bytes), bytes);
    }

    private static float[] initializer(Path model, String name) {
        OnnxMl.TensorProto t = ModelIo.load(model).getGraph().getInitializerList().stream()
                .filter(i -> i.getName().equals(name)).findFirst().orElseThrow();
        return TensorProtos.toTensor(t).floats();
    }

    @Test
    void correctionReducesTheMeanOutputErrorAgainstFp32(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 16, 3);
        RunResult off = run(t, NO_CORRECTION, tmp.resolve("off"));
        RunResult on = run(t, ", \"apply_for_all_nodes\": true", tmp.resolve("on"));
        double[] before = meanOutputError(t, off.model());
        double[] after = meanOutputError(t, on.model());
        double sumBefore = Math.abs(before[0]) + Math.abs(before[1]);
        double sumAfter = Math.abs(after[0]) + Math.abs(after[1]);
        assertTrue(sumAfter < sumBefore, "mean |error| per channel " + sumAfter + " vs " + sumBefore
                + " without correction");
        RunReport.BiasCorrectionSummary s = on.report().biasCorrection();
        assertEquals("fast", s.mode());
        assertEquals(2, s.candidates());
        assertEquals(List.of("conv1", "conv2"), s.corrected().stream().map(RunReport.BiasEntry::node).toList(),
                s.skipped().toString());
        assertEquals("none", off.report().biasCorrection().mode());
    }

    @Test
    void aThresholdNoShiftPassesLeavesEveryBiasUnchanged(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 6, 9);
        RunResult off = run(t, NO_CORRECTION, tmp.resolve("off"));
        RunResult tight = run(t, ", \"threshold\": 1e-12", tmp.resolve("tight"));
        RunReport.BiasCorrectionSummary s = tight.report().biasCorrection();
        assertTrue(s.corrected().isEmpty());
        assertEquals(2, s.skipped().size());
        assertTrue(s.skipped().get(0).reason().contains("not below threshold"), s.skipped().get(0).reason());
        for (String b : List.of("B1", "B2")) {
            assertArrayEquals(initializer(off.model(), b), initializer(tight.model(), b), 0f);
        }
    }

    @Test
    void onlyTheBiasValuesChangeNeverTheGraphOrOtherInitializers(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 8, 4);
        OnnxMl.GraphProto off = ModelIo.load(run(t, NO_CORRECTION, tmp.resolve("off")).model())
                .getGraph();
        OnnxMl.GraphProto on = ModelIo.load(run(t, ", \"apply_for_all_nodes\": true", tmp.resolve("on")).model())
                .getGraph();
        assertEquals(off.getNodeList(), on.getNodeList());
        assertEquals(off.getInitializerCount(), on.getInitializerCount());
        for (int i = 0; i < off.getInitializerCount(); i++) {
            OnnxMl.TensorProto a = off.getInitializer(i);
            OnnxMl.TensorProto b = on.getInitializer(i);
            assertEquals(a.getName(), b.getName());
            assertEquals(a.getDimsList(), b.getDimsList());
            boolean bias = a.getName().equals("B1") || a.getName().equals("B2");
            assertEquals(!bias, a.equals(b), a.getName());
        }
    }
}
