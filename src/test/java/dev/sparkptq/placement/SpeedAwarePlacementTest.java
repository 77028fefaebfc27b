package dev.sparkptq.placement;

import dev.sparkptq.graph.edit.OrtQdqLayout;
import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.TensorQuantSpec;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.QuantScheme;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.graph.edit.InputRef;
import dev.sparkptq.plan.PointKind;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.LatencyClock;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.NodeProfile;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

import static dev.sparkptq.placement.PlacementFixture.in;
import static dev.sparkptq.placement.PlacementFixture.s8;
import static dev.sparkptq.placement.PlacementFixture.u8;
import static dev.sparkptq.placement.PlacementFixture.weight;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guard's decisions with a fake clock and fake profiles (the runtime's optimized graph is real), and one real
 * ONNX Runtime run on a model whose integer kernel is slower than its float one.
 */
class SpeedAwarePlacementTest {
    private static final TensorQuantSpec SPEC = new TensorQuantSpec(8, QuantScheme.SYMMETRIC,
            Granularity.PER_TENSOR, null, null, null);

    /** The residual block's quantizers: its convs c1, c2 and the Add run as integer kernels. */
    private static final Map<String, QuantParams> PARAMS = new LinkedHashMap<>();

    static {
        PARAMS.put("x", s8(0.02f));
        PARAMS.put("W1", weight(8, 0.01f));
        PARAMS.put("W2", weight(8, 0.01f));
        PARAMS.put("a", s8(0.05f));
        PARAMS.put("b", s8(0.05f));
        PARAMS.put("r", u8(0.04f));
    }

    private static QuantizationPlan plan() {
        List<QuantizationPoint> points = new ArrayList<>();
        points.add(new QuantizationPoint("x", PointKind.ACTIVATION, List.of(in("c1", 0), in("c2", 0)), -1, SPEC,
                false, null));
        points.add(new QuantizationPoint("W1", PointKind.WEIGHT, List.of(in("c1", 1)), 0, SPEC, false, null));
        points.add(new QuantizationPoint("W2", PointKind.WEIGHT, List.of(in("c2", 1)), 0, SPEC, false, null));
        points.add(new QuantizationPoint("a", PointKind.ACTIVATION, List.of(in("add", 0)), -1, SPEC, false, null));
        points.add(new QuantizationPoint("b", PointKind.ACTIVATION, List.of(in("add", 1)), -1, SPEC, false, null));
        points.add(new QuantizationPoint("r", PointKind.ACTIVATION, List.of(in("pool", 0)), -1, SPEC, false, null));
        Set<String> nodes = new TreeSet<>();
        points.forEach(p -> nodes.addAll(p.consumerNodes()));
        return new QuantizationPlan(points, nodes, List.of());
    }

    private static OnnxMl.ModelProto build(QuantizationPlan plan) {
        List<GraphEdit> edits = new ArrayList<>();
        for (QuantizationPoint p : plan.points()) {
            edits.add(p.kind() == PointKind.WEIGHT
                    ? PlacementFixture.w(p.tensor(), PARAMS.get(p.tensor()), p.consumers().toArray(new InputRef[0]))
                    : PlacementFixture.act(p.tensor(), PARAMS.get(p.tensor()), p.consumers().toArray(new InputRef[0])));
        }
        return GraphRewriter.apply(PlacementFixture.residualBlock(), OrtQdqLayout.of(edits));
    }

    private static boolean weightQuantized(OnnxMl.ModelProto m, String weight) {
        return m.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("DequantizeLinear")
                && n.getInput(0).startsWith(weight));
    }

    /** A clock that says how long a model takes, from what is quantized in it; profiles written by hand. */
    private static final class FakeRuntime implements EngineFactory {
        private final OrtEngineFactory real = new OrtEngineFactory();
        private final ToDoubleFunction<OnnxMl.ModelProto> msPerSample;
        private final Map<String, Double> fp32Profile;
        private final Map<String, Double> int8Profile;
        /** Round-to-round factors on a quantized model's time (cycled): timing noise. */
        double[] jitter = {1.0};
        int profiles;

        FakeRuntime(ToDoubleFunction<OnnxMl.ModelProto> msPerSample, Map<String, Double> fp32Profile,
                    Map<String, Double> int8Profile) {
            this.msPerSample = msPerSample;
            this.fp32Profile = fp32Profile;
            this.int8Profile = int8Profile;
        }

        private static OnnxMl.ModelProto model(ModelBlob blob) {
            try {
                return OnnxMl.ModelProto.parseFrom(blob.bytes());
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public InferenceEngine open(ModelBlob blob, EngineOptions options) {
            OnnxMl.ModelProto model = model(blob);
            double ms = msPerSample.applyAsDouble(model);
            boolean quantized = model.getGraph().getNodeList().stream()
                    .anyMatch(n -> n.getOpType().equals("QuantizeLinear"));
            int[] calls = {0};
            return new InferenceEngine() {
                @Override
                public List<TensorInfo> inputs() {
                    return List.of();
                }

                @Override
                public List<TensorInfo> outputs() {
                    return List.of();
                }

                @Override
                public Map<String, Tensor> run(Map<String, Tensor> inputs, List<String> outputNames) {
                    throw new AssertionError("the guard times, it does not read outputs");
                }

                @Override
                public LatencyClock.Reading timePasses(List<Map<String, Tensor>> inputs, int passes) {
                    double t = quantized ? ms * jitter[calls[0]++ % jitter.length] : ms;
                    return new LatencyClock.Reading(t, t);
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public void evict(String digest) {
        }

        @Override
        public void writeOptimized(ModelBlob model, EngineOptions options, Path out) {
            real.writeOptimized(model, options, out);
        }

        @Override
        public NodeProfile profile(ModelBlob blob, EngineOptions options, List<Map<String, Tensor>> inputs,
                                   int warmup, int runs, Path workDir) {
            profiles++;
            boolean quantized = model(blob).getGraph().getNodeList().stream()
                    .anyMatch(n -> n.getOpType().equals("QuantizeLinear"));
            List<NodeProfile.NodeTime> out = new ArrayList<>();
            (quantized ? int8Profile : fp32Profile).forEach((n, us) -> out.add(new NodeProfile.NodeTime(n, "", us)));
            return new NodeProfile(out, runs);
        }
    }

    private static SpeedAwarePlacement.Request request(boolean guard) {
        OnnxMl.ModelProto fp32 = PlacementFixture.residualBlock();
        QuantizationPlan plan = plan();
        return new SpeedAwarePlacement.Request(fp32, fp32.toBuilder().setDocString("prepared").build(), plan,
                build(plan), SpeedAwarePlacementTest::build, fp32.toBuilder().setDocString("fallback").build(),
                fp32.toBuilder().setDocString("prepared fallback").build(),
                List.of(Map.of("x", TinyModels.randomTensor(1, 1, 8, 16, 16))), 1, guard);
    }

    private static SpeedAwarePlacement guard(EngineFactory engines, Path tmp) {
        return new SpeedAwarePlacement(engines, (m, name) -> {
            byte[] bytes = ModelIo.toBytes(m);
            return ModelBlob.ofBytes(ModelIo.sha256(bytes), bytes);
        }, tmp, line -> { });
    }

    @Test
    void aQuantizedModelSlowerThanFp32IsReplacedByTheFp32ModelWithAWarning(@TempDir Path tmp) {
        FakeRuntime rt = new FakeRuntime(m -> weightQuantized(m, "W1") || weightQuantized(m, "W2") ? 2.0 : 1.0,
                Map.of("c1", 10.0, "c2", 10.0), Map.of("c1", 10.0, "c2", 10.0));
        SpeedAwarePlacement.Request r = request(true);
        SpeedAwarePlacement.Outcome o = guard(rt, tmp).run(r);
        assertTrue(o.fp32Fallback());
        assertSame(r.fallback(), o.model());
        assertEquals(List.of(), o.plan().points());
        RunReport.SpeedSummary s = o.summary();
        assertEquals("fp32_fallback", s.outcome());
        assertEquals(2.0, s.int8MsBefore() / s.fp32Ms(), 1e-9, "INT8 measured at twice the FP32 time");
        assertEquals(1.0, s.speedup());
        assertNotNull(s.warning());
        assertTrue(s.warning().contains("FP32"), s.warning());
        assertEquals("thread_cpu", s.clock());
    }

    /**
     * The prepared FP32 graph (an exact rewrite) runs 2× faster than the model as given; the quantized one 2.04×: not
     * worth its rounding error, so the prepared float graph is written.
     */
    @Test
    void whenOnlyThePreparedFloatGraphIsFasterThatIsWhatIsWritten(@TempDir Path tmp) {
        FakeRuntime rt = new FakeRuntime(m -> m.getDocString().equals("prepared") ? 0.5
                : weightQuantized(m, "W1") ? 0.49 : 1.0,
                Map.of("c1", 10.0, "c2", 10.0), Map.of("c1", 10.0, "c2", 10.0));
        SpeedAwarePlacement.Request r = request(true);
        SpeedAwarePlacement.Outcome o = guard(rt, tmp).run(r);
        assertTrue(o.fp32Fallback());
        assertSame(r.preparedFallback(), o.model());
        assertEquals(2.0, o.summary().speedup(), 1e-9);
        assertTrue(o.summary().warning().contains("prepared"), o.summary().warning());
    }

    @Test
    void aFasterQuantizedModelIsKeptAsItIs(@TempDir Path tmp) {
        FakeRuntime rt = new FakeRuntime(m -> weightQuantized(m, "W1") ? 0.5 : 1.0,
                Map.of("c1", 10.0, "c2", 10.0), Map.of("c1", 10.0, "c2", 10.0));
        SpeedAwarePlacement.Request r = request(true);
        SpeedAwarePlacement.Outcome o = guard(rt, tmp).run(r);
        assertFalse(o.fp32Fallback());
        assertEquals("kept", o.summary().outcome());
        assertEquals(2.0, o.summary().speedup(), 1e-9);
        assertTrue(weightQuantized(o.model(), "W1") && weightQuantized(o.model(), "W2"));
        assertNull(o.summary().warning());
        assertEquals(2, rt.profiles, "one FP32 and one INT8 profile");
    }

    /**
     * The quantized model's median is 1.05× FP32, but one round in three runs it at 0.8×: inside the spread, the
     * confirmation's lower bound is below 1.0, so the float model is written and the warning says why.
     */
    @Test
    void aMedianSpeedUpInsideTheRoundsSpreadIsNotEnoughToWriteTheQuantizedModel(@TempDir Path tmp) {
        FakeRuntime rt = new FakeRuntime(m -> weightQuantized(m, "W1") ? 1 / 1.05 : 1.0,
                Map.of("c1", 10.0, "c2", 10.0), Map.of("c1", 10.0, "c2", 10.0));
        rt.jitter = new double[]{1.0, 1.0, 1.05 / 0.8, 1.0, 1.05 / 0.8, 1.0 / 1.01};
        SpeedAwarePlacement.Request r = request(true);
        SpeedAwarePlacement.Outcome o = guard(rt, tmp).run(r);
        assertTrue(o.fp32Fallback());
        assertSame(r.fallback(), o.model());
        assertTrue(o.summary().warning().contains("not clearly faster"), o.summary().warning());
        assertTrue(o.summary().warning().contains("lower bound 0.80x"), o.summary().warning());
    }

    /** The same median with a narrow spread: the lower bound clears 1.0 and the quantized model is written. */
    @Test
    void aSpeedUpWhoseLowerBoundClearsFp32IsWrittenWithTheBoundInTheReport(@TempDir Path tmp) {
        FakeRuntime rt = new FakeRuntime(m -> weightQuantized(m, "W1") ? 1 / 1.05 : 1.0,
                Map.of("c1", 10.0, "c2", 10.0), Map.of("c1", 10.0, "c2", 10.0));
        rt.jitter = new double[]{1.0, 1.02, 0.99, 1.01, 1.0};
        SpeedAwarePlacement.Outcome o = guard(rt, tmp).run(request(true));
        assertFalse(o.fp32Fallback());
        assertEquals("kept", o.summary().outcome());
        assertEquals(1.05, o.summary().speedup(), 1e-9);
        double low = o.summary().speedupLow();
        assertTrue(low >= 1.05 / 1.02 - 1e-4 && low < 1.05, "a bound below the median, above the slowest round: "
                + low);
    }

    @Test
    void theLowerBoundIsTheSignTestOrderStatisticOfThePairedRatios() {
        double[] fp32 = new double[15];
        double[] q = new double[15];
        for (int i = 0; i < 15; i++) {
            fp32[i] = 1.0;
            q[i] = 1.0 / (0.90 + 0.01 * i); // ratios 0.90 .. 1.04
        }
        GuardTiming.Comparison c = new GuardTiming.Comparison(new double[][]{fp32, q});
        assertEquals(0.97, c.speedup(0), 1e-9);
        assertEquals(0.93, c.lowerBound(0), 1e-9, "k = floor((15 - 1.96 sqrt 15) / 2) = 3: the 4th smallest");
        GuardTiming.Comparison five = new GuardTiming.Comparison(new double[][]{
                {1, 1, 1, 1, 1}, {1 / 1.1, 1 / 1.2, 1 / 0.9, 1 / 1.0, 1 / 1.3}});
        assertEquals(0.9, five.lowerBound(0), 1e-9, "five rounds: the slowest round's ratio");
        assertEquals(15, c.rounds());
    }

    /**
     * c1's integer kernel costs 3× its float one; the clock agrees that the model with c1 in float is faster, so
     * that variant is written and the report names c1 with both times.
     */
    @Test
    void anOpWhoseIntegerKernelIsSlowerGoesBackToFloatWhenTimingConfirmsIt(@TempDir Path tmp) {
        FakeRuntime rt = new FakeRuntime(m -> !weightQuantized(m, "W1") && !weightQuantized(m, "W2") ? 1.0
                : (weightQuantized(m, "W1") ? 0.9 : 0.4),
                Map.of("c1", 100.0, "c2", 500.0, "add", 50.0), Map.of("c1", 300.0, "c2", 100.0, "add", 40.0));
        SpeedAwarePlacement.Outcome o = guard(rt, tmp).run(request(true));
        assertEquals("ops_returned_to_float", o.summary().outcome());
        assertFalse(weightQuantized(o.model(), "W1"), "c1 runs in float");
        assertTrue(weightQuantized(o.model(), "W2"), "c2 stays integer");
        assertEquals(List.of("c1"), o.summary().returnedToFloat().stream().map(RunReport.ReturnedOp::node).toList());
        assertEquals(300.0, o.summary().returnedToFloat().get(0).integerMicros());
        assertEquals(2.5, o.summary().speedup(), 1e-9);
    }

    @Test
    void withTheGuardOffNothingIsTimedOrRemovedAndTheModelIsThePlannedOne(@TempDir Path tmp) {
        FakeRuntime rt = new FakeRuntime(m -> {
            throw new AssertionError("not timed");
        }, Map.of(), Map.of());
        SpeedAwarePlacement.Request r = request(false);
        SpeedAwarePlacement.Outcome o = guard(rt, tmp).run(r);
        assertEquals("off", o.summary().outcome());
        assertSame(r.quantized(), o.model(), "byte-identical to the plan's model");
        assertNull(o.summary().fp32Ms());
        assertEquals(0, rt.profiles);
        assertFalse(o.fp32Fallback());
    }

    @Test
    void emulatedBitWidthsAreNeitherPlacedNorTimed(@TempDir Path tmp) {
        FakeRuntime rt = new FakeRuntime(m -> {
            throw new AssertionError("not timed");
        }, Map.of(), Map.of());
        SpeedAwarePlacement.Request r = request(true);
        TensorQuantSpec fourBits = new TensorQuantSpec(4, QuantScheme.SYMMETRIC, Granularity.PER_TENSOR, null, null,
                null);
        List<QuantizationPoint> points = new ArrayList<>();
        for (QuantizationPoint p : r.plan().points()) {
            points.add(p.kind() == PointKind.ACTIVATION ? new QuantizationPoint(p.tensor(), p.kind(), p.consumers(),
                    p.channelAxis(), fourBits, p.constantNode(), p.tiedTo()) : p);
        }
        QuantizationPlan plan = new QuantizationPlan(points, r.plan().quantizedNodes(), List.of());
        SpeedAwarePlacement.Outcome o = guard(rt, tmp).run(new SpeedAwarePlacement.Request(r.fp32(), r.reference(),
                plan, r.quantized(), r.build(), r.fallback(), r.preparedFallback(), r.samples(), 1, true));
        assertEquals("emulated", o.summary().outcome());
        assertSame(r.quantized(), o.model());
        assertEquals(plan, o.plan());
        assertTrue(SpeedAwarePlacement.emulated(plan).contains("4 bits"));
        assertNull(SpeedAwarePlacement.emulated(plan()), "8-bit activations run as integer kernels");
    }

    /**
     * Real ONNX Runtime, real clock: a 16-channel depthwise 3×3 conv at 96×96 followed by a pointwise conv. ORT's int8
     * depthwise kernel is several times slower than its float NCHWc one on this kind of layer, and the int8 model
     * adds a QuantizeLinear of the input and a DequantizeLinear before the float pointwise conv: the guard must not
     * write an integer depthwise conv.
     */
    @Test
    void aRealDepthwiseConvSlowerInInt8IsNotWrittenAsAnIntegerKernel(@TempDir Path tmp) throws Exception {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("dw")
                .addInput(TinyModels.floatInfo("x", 1, 16, 96, 96)).addOutput(TinyModels.floatInfo("y", 1, 16, 96, 96))
                .addInitializer(TinyModels.floats("Wd", 21, 16, 1, 3, 3))
                .addInitializer(TinyModels.floats("Wp", 22, 16, 16, 1, 1))
                .addNode(TinyModels.node("Conv", "dw", List.of("x", "Wd"), List.of("d"),
                        TinyModels.ints("kernel_shape", 3, 3), TinyModels.ints("pads", 1, 1, 1, 1),
                        TinyModels.intAttr("group", 16)))
                .addNode(TinyModels.node("Relu", "relu", List.of("d"), List.of("r")))
                .addNode(TinyModels.node("Conv", "pw", List.of("r", "Wp"), List.of("y")));
        OnnxMl.ModelProto fp32 = ModelIo.prepareForQuantization(TinyModels.model(13, g));
        Map<String, QuantParams> params = Map.of("x", s8(0.01f), "Wd", weight(16, 0.01f), "r", u8(0.02f),
                "Wp", weight(16, 0.01f));
        List<QuantizationPoint> points = List.of(
                new QuantizationPoint("x", PointKind.ACTIVATION, List.of(in("dw", 0)), -1, SPEC, false, null),
                new QuantizationPoint("Wd", PointKind.WEIGHT, List.of(in("dw", 1)), 0, SPEC, false, null),
                new QuantizationPoint("r", PointKind.ACTIVATION, List.of(in("pw", 0)), -1, SPEC, false, null),
                new QuantizationPoint("Wp", PointKind.WEIGHT, List.of(in("pw", 1)), 0, SPEC, false, null));
        QuantizationPlan plan = new QuantizationPlan(points, Set.of("dw", "pw"), List.of());
        java.util.function.Function<QuantizationPlan, OnnxMl.ModelProto> build = p -> {
            List<GraphEdit> edits = new ArrayList<>();
            for (QuantizationPoint q : p.points()) {
                InputRef[] refs = q.consumers().toArray(new InputRef[0]);
                edits.add(q.kind() == PointKind.WEIGHT ? PlacementFixture.w(q.tensor(), params.get(q.tensor()), refs)
                        : PlacementFixture.act(q.tensor(), params.get(q.tensor()), refs));
            }
            return GraphRewriter.apply(fp32, OrtQdqLayout.of(edits));
        };
        List<Map<String, Tensor>> samples = List.of(Map.of("x", TinyModels.randomTensor(2, 1, 16, 96, 96)));
        OrtEngineFactory ort = new OrtEngineFactory();
        SpeedAwarePlacement.Outcome o = guard(ort, tmp).run(new SpeedAwarePlacement.Request(fp32, fp32, plan,
                build.apply(plan), build, fp32, fp32, samples, 1, true));
        RunReport.SpeedSummary s = o.summary();
        assertTrue(s.fp32Ms() > 0 && s.int8MsBefore() > 0, s.toString());
        assertTrue(Set.of("fp32_fallback", "ops_returned_to_float").contains(s.outcome()), s.toString());
        RuntimeGraph written = PlacementFixture.optimized(o.model(), tmp);
        assertFalse(written.runsInteger("dw"), "the depthwise conv runs in float: " + written.opCounts());
        assertTrue(s.speedup() >= SpeedAwarePlacement.REQUIRED_SPEEDUP || o.fp32Fallback(), s.toString());
        assertTrue(s.guardMs() >= 0);
    }
}
