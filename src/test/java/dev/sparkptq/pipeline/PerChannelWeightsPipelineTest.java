package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.Npy;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.graph.TinyModels;
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
import static dev.sparkptq.graph.TinyModels.intAttr;
import static dev.sparkptq.graph.TinyModels.ints;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Weights of every layer type per output channel on its right axis (ConvTranspose axis 1, Gemm with transB = 0 axis
 * 1), dead channels that keep their bias through ONNX Runtime's int32 bias, and cross-layer equalization inside a
 * run: all checked on the model ONNX Runtime really executes (graph optimizations on, integer kernels).
 */
class PerChannelWeightsPipelineTest {

    /** Output channel c of {@code w} (channel axis {@code axis}) scaled by {@code scale[c]}. */
    private static OnnxMl.TensorProto uneven(String name, long seed, int axis, float[] scale, long... shape) {
        Tensor t = TensorProtos.toTensor(floats(name, seed, shape));
        float[] v = t.floats().clone();
        long inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] *= scale[(int) ((i / inner) % shape[axis])];
        }
        return TensorProtos.fromTensor(name, Tensor.ofFloats(shape, v));
    }

    /**
     * x[1,4,8,8] → Conv a (W [8,4,3,3], channels 2 and 5 dead, B = ±3) → Relu → ConvTranspose t (W [8,6,2,2],
     * output channels scaled 0.01..3) → y [1,6,16,16]; and z [1,6] → Gemm g (B [6,5], transB 0, columns scaled
     * 0.02..4) → yg [1,5].
     */
    static OnnxMl.ModelProto model() {
        float[] dead = {1, 0.5f, 0, 2, 1, 0, 0.3f, 1};
        float[] bias = {0.1f, -0.2f, 3f, 0.3f, -0.1f, -3f, 0.2f, 0f};
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("layers")
                .addInput(floatInfo("x", 1, 4, 8, 8)).addInput(floatInfo("z", 1, 6))
                .addOutput(floatInfo("y", 1, 6, 16, 16)).addOutput(floatInfo("yg", 1, 5))
                .addInitializer(uneven("Wa", 1, 0, dead, 8, 4, 3, 3))
                .addInitializer(TensorProtos.fromTensor("Ba", Tensor.ofFloats(new long[]{8}, bias)))
                .addInitializer(uneven("Wt", 2, 1, new float[]{0.01f, 0.1f, 1, 3, 0.05f, 0.5f}, 8, 6, 2, 2))
                .addInitializer(floats("Bt", 3, 6))
                .addInitializer(uneven("Wg", 4, 1, new float[]{0.02f, 1, 0.2f, 4, 0.5f}, 6, 5))
                .addInitializer(floats("Bg", 5, 5))
                .addNode(node("Conv", "a", List.of("x", "Wa", "Ba"), List.of("ca"), ints("kernel_shape", 3, 3),
                        ints("pads", 1, 1, 1, 1)))
                .addNode(node("Relu", "r", List.of("ca"), List.of("ra")))
                .addNode(node("ConvTranspose", "t", List.of("ra", "Wt", "Bt"), List.of("y"),
                        ints("kernel_shape", 2, 2), ints("strides", 2, 2)))
                .addNode(node("Gemm", "g", List.of("z", "Wg", "Bg"), List.of("yg"), intAttr("transB", 0)));
        return TinyModels.model(13, g);
    }

    private static Map<String, Tensor> inputs(SplittableRandom rnd) {
        float[] x = new float[4 * 64];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) (rnd.nextDouble() * 2 - 1);
        }
        float[] z = new float[6];
        for (int k = 0; k < z.length; k++) {
            z[k] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return Map.of("x", Tensor.ofFloats(new long[]{1, 4, 8, 8}, x), "z", Tensor.ofFloats(new long[]{1, 6}, z));
    }

    private static RunResult quantize(Path dir, String params) throws Exception {
        ModelIo.save(model(), dir.resolve("layers.onnx"));
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 16; i++) {
            Map<String, Tensor> in = inputs(rnd);
            for (String name : List.of("x", "z")) {
                Npy.write(Files.createDirectories(dir.resolve(name)).resolve(String.format("s%02d.npy", i)),
                        in.get(name));
            }
        }
        String json = """
                { "model": { "model": "layers.onnx" },
                  "engine": { "data_source": ".", "reader": { "type": "npy", "inputs": { "x": "x", "z": "z" } },
                              "num_partitions": 2 },
                  "compression": { "algorithms": [ { "name": "DefaultQuantization", "params": { %s } } ] } }
                """.formatted(params);
        return new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()), m -> { })
                .run(ConfigLoader.fromJson(json, dir, ConfigOverrides.none()),
                        new RunOptions(dir.resolve("out"), RunOptions.Evaluation.SKIP, 1,
                                Files.createDirectories(dir.resolve("work"))));
    }

    /**
     * The worst output channel's SQNR in dB (axis 1 of both outputs: a small channel counts as much as a big one), of
     * the model ONNX Runtime optimizes and runs (integer kernels) against FP32, on 16 inputs of the calibration
     * distribution.
     */
    private static double sqnr(Path quantized) {
        OrtEngineFactory f = new OrtEngineFactory();
        byte[] fp = ModelIo.toBytes(model());
        InferenceEngine a = f.open(ModelBlob.ofBytes(ModelIo.sha256(fp), fp), EngineOptions.forInference(1));
        InferenceEngine b = f.open(ModelBlob.ofPath(ModelIo.sha256(quantized), quantized),
                EngineOptions.forInference(1));
        SplittableRandom rnd = new SplittableRandom(99);
        List<String> outputs = List.of("y", "yg");
        double[][] signal = {new double[6], new double[5]};
        double[][] noise = {new double[6], new double[5]};
        for (int s = 0; s < 16; s++) {
            Map<String, Tensor> in = inputs(rnd);
            Map<String, Tensor> ya = a.run(in, outputs);
            Map<String, Tensor> yb = b.run(in, outputs);
            for (int o = 0; o < 2; o++) {
                float[] u = ya.get(outputs.get(o)).floats();
                float[] v = yb.get(outputs.get(o)).floats();
                int per = u.length / signal[o].length;
                for (int i = 0; i < u.length; i++) {
                    signal[o][i / per] += u[i] * (double) u[i];
                    noise[o][i / per] += (u[i] - v[i]) * (double) (u[i] - v[i]);
                }
            }
        }
        double worst = Double.POSITIVE_INFINITY;
        for (int o = 0; o < 2; o++) {
            for (int c = 0; c < signal[o].length; c++) {
                worst = Math.min(worst, 10 * Math.log10(signal[o][c] / noise[o][c]));
            }
        }
        return worst;
    }

    private static RunReport.TensorSummary tensor(RunResult r, String name) {
        return r.report().quantization().tensors().stream().filter(t -> t.tensor().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no quantizer on " + name));
    }

    @Test
    void everyLayerTypeGetsPerChannelWeightsOnItsOutputAxisAndDeadChannelsKeepTheirBias(@TempDir Path tmp)
            throws Exception {
        // 16-bit activations covering every value isolate the weights' error
        String a16 = "\"cross_layer_equalization\": \"off\", \"activations\": { \"bits\": 16, "
                + "\"range_estimator\": { \"max\": { \"aggregator\": \"max\" } } }";
        RunResult r = quantize(tmp, a16);
        assertEquals(0, tensor(r, "Wa").axis());
        assertEquals(8, tensor(r, "Wa").channels());
        assertEquals(1, tensor(r, "Wt").axis(), "ConvTranspose weight [C_in, C_out, k, k]: output channels on axis 1");
        assertEquals(6, tensor(r, "Wt").channels());
        assertEquals(1, tensor(r, "Wg").axis(), "Gemm with transB = 0: B is [K, N]");
        assertEquals(5, tensor(r, "Wg").channels());
        double perChannel = sqnr(r.model());
        assertTrue(perChannel > 35, "per-channel INT8 vs FP32 through ORT's integer kernels: " + perChannel + " dB");
        RunResult perTensor = quantize(tmp.resolve("pt"), a16 + ", \"weights\": { \"granularity\": \"pertensor\" }");
        double pt = sqnr(perTensor.model());
        assertTrue(perChannel > pt + 12, "per channel " + perChannel + " dB vs per tensor " + pt + " dB");
    }

    @Test
    void equalizationRunsAsAStepAndReportsWhatItDid(@TempDir Path tmp) throws Exception {
        RunResult r = quantize(tmp, "\"cross_layer_equalization\": \"weights\"");
        RunReport.AdjustmentSummary a = r.report().adjustments();
        assertEquals("weights", a.equalization());
        assertEquals(List.of("a -> t"), a.equalized().stream().map(e -> e.producer() + " -> " + e.consumer())
                .toList());
        assertTrue(a.equalized().get(0).spreadAfter() < a.equalized().get(0).spreadBefore(), a.equalized()
                .toString());
        assertTrue(sqnr(r.model()) > 20, "equalized and quantized: " + sqnr(r.model()));
        RunResult off = quantize(tmp.resolve("off"), "\"cross_layer_equalization\": \"off\"");
        assertEquals("off", off.report().adjustments().equalization());
        assertTrue(off.report().adjustments().equalized().isEmpty());
    }
}
