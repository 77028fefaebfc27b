package dev.sparkptq.algorithms.layerwise;

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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code use_layerwise_tuning} through the in-process pipeline on the tiny Conv-Relu-Conv model (conv1: 3×3, pads 1,
 * reads the graph input; conv2: 1×1 on an exposed activation), with 4-bit weights, checked with ONNX Runtime.
 */
class LayerwiseTuningPipelineTest {
    static final String FOUR_BIT = ", \"weights\": {\"bits\": 4}";

    private static RunResult run(TinyRun t, String params, int partitions, Path out) throws Exception {
        String json = t.json(partitions, "performance")
                .replace("\"preset\": \"performance\"", "\"preset\": \"performance\"" + TinyRun.NO_CLE + FOUR_BIT + params);
        return new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()), m -> { })
                .run(ConfigLoader.fromJson(json, t.dir, ConfigOverrides.none()),
                        t.options(out, RunOptions.Evaluation.SKIP));
    }

    private static Tensor initializer(Path model, String name) {
        return TensorProtos.toTensor(ModelIo.load(model).getGraph().getInitializerList().stream()
                .filter(i -> i.getName().equals(name)).findFirst().orElseThrow());
    }

    /** Σ over samples and elements of (quantized − FP32)² of conv1's output c1 (exposed in both models). */
    private static double conv1OutputError(TinyRun t, Path quantized) {
        OnnxMl.ModelProto fp32 = exposingC1(ModelIo.load(t.model));
        OnnxMl.ModelProto q = exposingC1(ModelIo.load(quantized));
        double total = 0;
        for (float[] s : t.samples) {
            Map<String, Tensor> in = Map.of("x", Tensor.ofFloats(new long[]{1, 3, 8, 8}, s));
            float[] a = OrtRunner.run(fp32, in).get("c1");
            float[] b = OrtRunner.run(q, in).get("c1");
            for (int i = 0; i < a.length; i++) {
                total += (a[i] - b[i]) * (double) (a[i] - b[i]);
            }
        }
        return total;
    }

    private static OnnxMl.ModelProto exposingC1(OnnxMl.ModelProto m) {
        return m.toBuilder().setGraph(m.getGraph().toBuilder().addOutput(TinyModels.floatInfo("c1", 1, 16, 8, 8)))
                .build();
    }

    /** conv1's receptive field (3×3, pads 1, stride 1 on [1,3,8,8]) at output position (oy, ox). */
    private static double[] patch(float[] x, int oy, int ox) {
        double[] v = new double[27];
        for (int c = 0; c < 3; c++) {
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    int y = oy + ky - 1;
                    int xx = ox + kx - 1;
                    v[c * 9 + ky * 3 + kx] = y < 0 || y >= 8 || xx < 0 || xx >= 8 ? 0 : x[c * 64 + y * 8 + xx];
                }
            }
        }
        return v;
    }

    /**
     * The layer-wise claim, measured in the INT8 model with ONNX Runtime: conv1's output (its input x through x's
     * quantizer, its weights 4-bit) is closer to FP32 with tuning. (On this random toy the final output y is not:
     * conv2's input error is dominated by upstream errors the per-layer objective does not see.)
     */
    @Test
    void tuningLowersTheFirstLayersOutputErrorInTheQuantizedModel(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 40, 21);
        RunResult off = run(t, "", 1, tmp.resolve("off"));
        RunResult on = run(t, ", \"use_layerwise_tuning\": true, \"use_only_fp_inputs\": false", 1,
                tmp.resolve("on"));
        assertNull(off.report().layerwiseTuning());
        RunReport.LayerwiseTuningSummary s = on.report().layerwiseTuning();
        assertEquals(List.of("conv1", "conv2"), s.layers().stream().map(RunReport.TunedLayer::node).toList());
        assertEquals(2, s.levels(), "conv2 reads conv1's output: two levels, two passes");
        for (RunReport.TunedLayer l : s.layers()) {
            assertTrue(l.mseTuned() < l.mseNearest(), l.toString());
        }
        double before = conv1OutputError(t, off.model());
        double after = conv1OutputError(t, on.model());
        assertTrue(after < 0.95 * before, "Σ(c1_q − c1)² " + after + " with tuning vs " + before + " without");
    }

    @Test
    void theStoredLevelsScalesAndInputQuantizerGiveExactlyTheReportedError(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 10, 22); // 10 samples: 96·27/10 ≥ 64, every position is counted
        RunResult on = run(t, ", \"use_layerwise_tuning\": true, \"use_only_fp_inputs\": false", 1,
                tmp.resolve("on"));
        RunReport.TunedLayer conv1 = on.report().layerwiseTuning().layers().get(0);
        assertEquals(10L * 64, conv1.vectors(), "every position of every sample");
        byte[] q = initializer(on.model(), "W1_quantized").bytes();
        float[] scale = initializer(on.model(), "W1_scale").floats();
        float[] w = initializer(t.model, "W1").floats();
        // the input x goes through its own per-tensor quantizer in the INT8 model
        float xs = initializer(on.model(), "x_scale").floats()[0];
        RunReport.TensorSummary xq = on.report().quantization().tensors().stream()
                .filter(ts -> ts.tensor().equals("x")).findFirst().orElseThrow();
        double total = 0;
        for (float[] sample : t.samples) {
            float[] quantized = new float[sample.length];
            for (int i = 0; i < sample.length; i++) {
                double level = Math.max(xq.levelLow(), Math.min(xq.levelHigh(), Math.rint(sample[i] / xs)));
                quantized[i] = (float) (level * xs);
            }
            for (int oy = 0; oy < 8; oy++) {
                for (int ox = 0; ox < 8; ox++) {
                    double[] v = patch(sample, oy, ox);
                    double[] vq = patch(quantized, oy, ox);
                    for (int c = 0; c < 16; c++) {
                        double fp32 = 0;
                        double int8 = 0;
                        for (int i = 0; i < 27; i++) {
                            fp32 += w[c * 27 + i] * v[i];
                            int8 += (double) (q[c * 27 + i] * scale[c]) * vq[i];
                        }
                        total += (fp32 - int8) * (fp32 - int8);
                    }
                }
            }
        }
        double mse = total / (10.0 * 64 * 16);
        assertEquals(mse, conv1.mseTuned(), 1e-6 * mse);
    }

    @Test
    void theTuningPassDoesNotDependOnThePartitioning(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 24, 23);
        RunResult one = run(t, ", \"use_layerwise_tuning\": true", 1, tmp.resolve("one"));
        RunResult three = run(t, ", \"use_layerwise_tuning\": true", 3, tmp.resolve("three"));
        List<RunReport.TunedLayer> a = one.report().layerwiseTuning().layers();
        List<RunReport.TunedLayer> b = three.report().layerwiseTuning().layers();
        assertEquals(2, a.size(), "both convs tuned, so the comparison below compares something");
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).mseTuned(), b.get(i).mseTuned(), 1e-9 * a.get(i).mseTuned());
            assertEquals(a.get(i).vectors(), b.get(i).vectors());
        }
        assertEquals(java.util.Arrays.toString(initializer(one.model(), "W1_quantized").bytes()),
                java.util.Arrays.toString(initializer(three.model(), "W1_quantized").bytes()));
    }

    @Test
    void gradientKnobsBecomeARunWarning(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 8, 24);
        RunResult on = run(t, ", \"use_layerwise_tuning\": true, \"optimizer\": \"Adam\", \"tuning_iterations\": 5",
                1, tmp.resolve("on"));
        String warnings = on.report().calibration().warnings().toString();
        assertTrue(warnings.contains("[optimizer, tuning_iterations]") && warnings.contains("no effect"), warnings);
        assertNotNull(on.report().timingsMs().get("layerwise_tuning"));
    }

    @Test
    void fp32InputsByDefaultTuneEveryLayerFromOnePass(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 12, 25);
        RunResult on = run(t, ", \"use_layerwise_tuning\": true", 1, tmp.resolve("on"));
        RunReport.LayerwiseTuningSummary s = on.report().layerwiseTuning();
        assertEquals(1, s.levels());
        assertTrue(s.solver().contains("FP32 inputs"), s.solver());
        assertEquals(2, s.layers().size());
        for (RunReport.TunedLayer l : s.layers()) {
            assertTrue(l.mseTuned() <= l.mseNearest(), l.toString());
        }
    }

    @Test
    void minMaxQuantizationIgnoresTheKeyWithAWarning(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 6, 26);
        String json = t.json(1, "performance").replace("DefaultQuantization", "MinMaxQuantization").replace(
                "\"preset\": \"performance\"", "\"preset\": \"performance\", \"use_layerwise_tuning\": true");
        RunResult r = new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()), m -> { })
                .run(ConfigLoader.fromJson(json, t.dir, ConfigOverrides.none()),
                        t.options(tmp.resolve("out"), RunOptions.Evaluation.SKIP));
        assertNull(r.report().layerwiseTuning());
        assertTrue(r.report().calibration().warnings().toString().contains("DefaultQuantization step"));
    }
}
