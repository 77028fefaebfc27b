package dev.sparkptq.algorithms.alignment;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.Npy;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.OrtRunner;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.pipeline.InProcessBackend;
import dev.sparkptq.pipeline.QuantizationPipeline;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.RunResult;
import dev.sparkptq.pipeline.StepHarness;
import dev.sparkptq.plan.AlignmentPair;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import dev.sparkptq.step.ModelState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.ints;
import static dev.sparkptq.graph.TinyModels.model;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ActivationChannelAlignment: which pairs qualify, FP32 equivalence through ORT, and centred, equalised channels. */
class ActivationChannelAlignmentTest {

    /**
     * x[1,3,8,8] → Conv p (W[8,3,3,3] with rows scaled 0.1..3.6, B[8] from −6 to +8, pads 1) → Conv c (W[4,8,k,k],
     * B[4], pads {@code consumerPads}) → Relu → y: the producer's channels have very different centres and widths.
     */
    static OnnxMl.ModelProto skewed(int consumerKernel, int consumerPads) {
        Tensor w = TensorProtos.toTensor(floats("Wp", 31, 8, 3, 3, 3));
        float[] wv = w.floats().clone();
        for (int i = 0; i < wv.length; i++) {
            wv[i] *= 0.1f + 0.5f * (i / 27);
        }
        float[] b = new float[8];
        for (int c = 0; c < 8; c++) {
            b[c] = -6f + 2f * c;
        }
        int out = 8 - consumerKernel + 1 + 2 * consumerPads;
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("skewed")
                .addInput(floatInfo("x", 1, 3, 8, 8)).addOutput(floatInfo("y", 1, 4, out, out))
                .addInitializer(TensorProtos.fromTensor("Wp", Tensor.ofFloats(w.shape(), wv)))
                .addInitializer(TensorProtos.fromTensor("Bp", Tensor.ofFloats(new long[]{8}, b)))
                .addInitializer(floats("Wc", 32, 4, 8, consumerKernel, consumerKernel))
                .addInitializer(floats("Bc", 33, 4))
                .addNode(node("Conv", "p", List.of("x", "Wp", "Bp"), List.of("h"), ints("kernel_shape", 3, 3),
                        ints("pads", 1, 1, 1, 1)))
                .addNode(node("Conv", "c", List.of("h", "Wc", "Bc"), List.of("z"),
                        ints("kernel_shape", consumerKernel, consumerKernel),
                        ints("pads", consumerPads, consumerPads, consumerPads, consumerPads)))
                .addNode(node("Relu", "relu", List.of("z"), List.of("y")));
        return model(13, g);
    }

    private static List<float[]> writeSamples(Path data, int n) throws Exception {
        Files.createDirectories(data);
        SplittableRandom rnd = new SplittableRandom(77);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] x = new float[3 * 64];
            for (int k = 0; k < x.length; k++) {
                x[k] = (float) (rnd.nextDouble() * 2 - 1);
            }
            out.add(x);
            Npy.write(data.resolve(String.format("s%03d.npy", i)), Tensor.ofFloats(new long[]{1, 3, 8, 8}, x));
        }
        return out;
    }

    private static Map<String, Tensor> input(float[] x) {
        return Map.of("x", Tensor.ofFloats(new long[]{1, 3, 8, 8}, x));
    }

    @Test
    void onlyAConsumerWithoutPaddingQualifies() {
        List<AlignmentPair> pairs = AlignmentPair.find(ModelGraph.of(skewed(3, 0)));
        assertEquals(1, pairs.size());
        assertEquals("p", pairs.get(0).producer().name());
        assertEquals("c", pairs.get(0).consumer().name());
        assertTrue(AlignmentPair.find(ModelGraph.of(skewed(3, 1))).isEmpty(), "padded consumer");
        assertTrue(AlignmentPair.find(ModelGraph.of(dev.sparkptq.graph.TinyModels.convReluConv())).isEmpty(), "Relu between");
    }

    @Test
    void anyShiftAndScaleKeepsTheFp32OutputThroughOrt() throws Exception {
        OnnxMl.ModelProto m = skewed(3, 0);
        ModelGraph graph = ModelGraph.of(m);
        double[] lo = new double[8];
        double[] hi = new double[8];
        for (int c = 0; c < 8; c++) {
            lo[c] = -7 + 1.7 * c;
            hi[c] = lo[c] + 0.05 + c * c; // widths 0.05..49: some factors clip at 0.01 or 100
        }
        ActivationChannelAlignment.Outcome o = ActivationChannelAlignment.apply(m, graph,
                AlignmentPair.find(graph), Map.of("h", new double[][]{lo, hi}));
        assertEquals(1, o.aligned().size());
        for (float[] x : writeSamples(Files.createTempDirectory("aca"), 5)) {
            float[] a = OrtRunner.run(m, input(x)).get("y");
            float[] b = OrtRunner.run(o.model(), input(x)).get("y");
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-4 * (1 + Math.abs(a[i])), "element " + i);
            }
        }
    }

    @Test
    void measuredAlignmentCentresAndEqualisesTheProducerChannels(@TempDir Path tmp) throws Exception {
        OnnxMl.ModelProto m = skewed(1, 0);
        ModelIo.save(m, tmp.resolve("skewed.onnx"));
        List<float[]> samples = writeSamples(tmp.resolve("data"), 12);
        PtqConfig config = ConfigLoader.fromJson("""
                { "model": { "model": "skewed.onnx" },
                  "engine": { "data_source": "data", "speed_guard": false,
                              "reader": { "type": "npy" }, "num_partitions": 2 },
                  "compression": { "algorithms": [ { "name": "DefaultQuantization" } ] } }
                """, tmp, ConfigOverrides.none());
        StepHarness harness = StepHarness.of(config, m, tmp);
        ModelState aligned = harness.run(harness.initial(m), ActivationChannelAlignment::new);
        List<RunReport.AlignedPair> pairs = aligned.section(RunReport.AdjustmentSummary.class).orElseThrow()
                .aligned();
        assertEquals(1, pairs.size());
        OnnxMl.ModelProto exposed = aligned.model().toBuilder().setGraph(aligned.model().getGraph().toBuilder()
                .addOutput(floatInfo("h", 1, 8, 8, 8))).build();
        double[] lo = new double[8];
        double[] hi = new double[8];
        Arrays.fill(lo, Double.POSITIVE_INFINITY);
        Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (float[] x : samples) {
            float[] h = OrtRunner.run(exposed, input(x)).get("h");
            for (int i = 0; i < h.length; i++) {
                lo[i / 64] = Math.min(lo[i / 64], h[i]);
                hi[i / 64] = Math.max(hi[i / 64], h[i]);
            }
        }
        double[] width = new double[8];
        for (int c = 0; c < 8; c++) {
            width[c] = hi[c] - lo[c];
        }
        double median = Arrays.stream(width).sorted().toArray()[4];
        for (int c = 0; c < 8; c++) {
            assertTrue(Math.abs(lo[c] + hi[c]) / 2 < 0.15 * width[c], "channel " + c + " centre " + (lo[c] + hi[c]) / 2
                    + " for width " + width[c]);
            assertTrue(width[c] > 0.7 * median && width[c] < 1.4 * median, "channel " + c + " width " + width[c]
                    + " vs median " + median);
        }
        RunReport.AlignedPair pair = pairs.get(0);
        assertEquals(8, pair.channels());
        assertTrue(pair.maxAbsShift() > 5, "the bias offsets (−6..+8) were moved: " + pair.maxAbsShift());
    }

    @Test
    void factorsAreRangeOverMedianClippedAndOneForEmptyChannels() {
        double[] f = ActivationChannelAlignment.scales(new double[]{0, 1, 2, 4, 1000, 0.001});
        assertEquals(1, f[0]);
        assertEquals(0.5, f[1], 1e-12);
        assertEquals(1, f[2], 1e-12);
        assertEquals(2, f[3], 1e-12);
        assertEquals(100, f[4], 1e-12);
        assertEquals(0.01, f[5], 1e-12);
    }

    @Test
    void defaultQuantizationReportsTheAlignedPairAndMinMaxDoesNotAlign(@TempDir Path tmp) throws Exception {
        ModelIo.save(skewed(1, 0), tmp.resolve("skewed.onnx"));
        writeSamples(tmp.resolve("data"), 6);
        String json = """
                { "model": { "model": "skewed.onnx" },
                  "engine": { "data_source": "data", "speed_guard": false,
                              "reader": { "type": "npy" }, "num_partitions": 1 },
                  "compression": { "algorithms": [ { "name": "%s" } ] } }
                """;
        QuantizationPipeline pipeline = new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()),
                s -> { });
        RunResult dq = pipeline.run(ConfigLoader.fromJson(json.formatted("DefaultQuantization"), tmp,
                ConfigOverrides.none()), new RunOptions(tmp.resolve("dq"), RunOptions.Evaluation.SKIP, 1,
                Files.createDirectories(tmp.resolve("w1"))));
        RunResult mm = pipeline.run(ConfigLoader.fromJson(json.formatted("MinMaxQuantization"), tmp,
                ConfigOverrides.none()), new RunOptions(tmp.resolve("mm"), RunOptions.Evaluation.SKIP, 1,
                Files.createDirectories(tmp.resolve("w2"))));
        RunReport.AdjustmentSummary a = dq.report().adjustments();
        assertEquals("on", a.channelAlignment());
        assertEquals(List.of("p -> c"), a.aligned().stream().map(x -> x.producer() + " -> " + x.consumer()).toList());
        assertTrue(mm.report().adjustments().aligned().isEmpty());
    }
}
