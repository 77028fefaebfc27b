package dev.sparkptq.algorithms.biascorrection;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.OrtRunner;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.pipeline.InProcessBackend;
import dev.sparkptq.pipeline.QuantizationPipeline;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.RunResult;
import dev.sparkptq.pipeline.TinyRun;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Full BiasCorrection ({@code use_fast_bias: false}) on the tiny Conv-Relu-Conv model, checked with ONNX Runtime. */
class FullBiasCorrectionTest {

    private static RunResult run(TinyRun t, String algorithm, String params, int partitions, Path out)
            throws Exception {
        String json = t.json(partitions, "performance").replace("DefaultQuantization", algorithm)
                .replace("\"preset\": \"performance\"", "\"preset\": \"performance\"" + TinyRun.NO_CLE + params);
        return new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()), m -> { })
                .run(ConfigLoader.fromJson(json, t.dir, ConfigOverrides.none()),
                        t.options(out, RunOptions.Evaluation.SKIP));
    }

    /** The model with conv1's output c1 [1,16,8,8] exposed too. */
    private static OnnxMl.ModelProto exposingC1(Path model) {
        OnnxMl.ModelProto m = ModelIo.load(model);
        return m.toBuilder().setGraph(m.getGraph().toBuilder().addOutput(TinyModels.floatInfo("c1", 1, 16, 8, 8)))
                .build();
    }

    /** Per layer (c1, y), Σ over channels of |mean over samples and positions of (quantized − FP32)|. */
    private static double[] meanErrorPerLayer(TinyRun t, Path quantized) {
        OnnxMl.ModelProto fp32 = exposingC1(t.model);
        OnnxMl.ModelProto q = exposingC1(quantized);
        double[][] err = {new double[16], new double[2]};
        String[] names = {"c1", "y"};
        for (float[] s : t.samples) {
            Map<String, Tensor> in = Map.of("x", Tensor.ofFloats(new long[]{1, 3, 8, 8}, s));
            Map<String, float[]> a = OrtRunner.run(fp32, in);
            Map<String, float[]> b = OrtRunner.run(q, in);
            for (int l = 0; l < 2; l++) {
                float[] x = a.get(names[l]);
                float[] y = b.get(names[l]);
                for (int i = 0; i < x.length; i++) {
                    err[l][i / 64] += (y[i] - x[i]) / (64.0 * t.samples.length);
                }
            }
        }
        double[] out = new double[2];
        for (int l = 0; l < 2; l++) {
            for (double e : err[l]) {
                out[l] += Math.abs(e);
            }
        }
        return out;
    }

    private static float[] initializer(Path model, String name) {
        return TensorProtos.toTensor(ModelIo.load(model).getGraph().getInitializerList().stream()
                .filter(i -> i.getName().equals(name)).findFirst().orElseThrow()).floats();
    }

    @Test
    void fullCorrectionReducesEveryCorrectedLayersMeanErrorAgainstFp32(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 40, 11);
        RunResult off = run(t, "MinMaxQuantization", "", 1, tmp.resolve("off"));
        RunResult full = run(t, "DefaultQuantization", ", \"use_fast_bias\": false", 1, tmp.resolve("full"));
        RunReport.BiasCorrectionSummary s = full.report().biasCorrection();
        assertEquals("full", s.mode());
        assertEquals(1000.0, s.threshold());
        assertEquals(List.of("conv1", "conv2"), s.corrected().stream().map(RunReport.BiasEntry::node).toList(),
                s.skipped().toString());
        double[] before = meanErrorPerLayer(t, off.model());
        double[] after = meanErrorPerLayer(t, full.model());
        for (int l = 0; l < 2; l++) {
            assertTrue(after[l] < before[l], "layer " + l + ": Σ|mean error| " + after[l] + " vs " + before[l]
                    + " without correction");
        }
    }

    @Test
    void theCorrectedBiasesDoNotDependOnThePartitioning(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 20, 12);
        RunResult one = run(t, "DefaultQuantization", ", \"use_fast_bias\": false", 1, tmp.resolve("one"));
        RunResult three = run(t, "DefaultQuantization", ", \"use_fast_bias\": false", 3, tmp.resolve("three"));
        for (String b : List.of("B1", "B2")) {
            assertArrayEquals(initializer(one.model(), b), initializer(three.model(), b), 1e-6f, b);
        }
    }

    @Test
    void subsetIsAFifthOfTheCalibrationSamplesAndAtLeastOne() {
        assertEquals(60, FullBiasCorrection.subsetSize(300));
        assertEquals(1, FullBiasCorrection.subsetSize(3));
        assertEquals(1, FullBiasCorrection.subsetSize(1));
    }
}
