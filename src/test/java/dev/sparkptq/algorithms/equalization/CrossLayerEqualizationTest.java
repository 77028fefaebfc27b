package dev.sparkptq.algorithms.equalization;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.OrtRunner;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.stats.PerSampleStat;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cross-layer equalization keeps the FP32 function (checked through ONNX Runtime on tiny models of every link shape)
 * and really evens out what it targets; degenerate channels stay finite and untouched.
 */
class CrossLayerEqualizationTest {
    private static final CrossLayerEqualization.Criterion W = CrossLayerEqualization.Criterion.WEIGHTS;
    private static final CrossLayerEqualization.Criterion A = CrossLayerEqualization.Criterion.ACTIVATIONS;

    static Stream<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        for (CrossLayerEqualization.Criterion c : CrossLayerEqualization.Criterion.values()) {
            out.add(Arguments.of("conv-relu-conv", Pairs.spec().between("Relu"), c));
            out.add(Arguments.of("depthwise-pointwise", Pairs.spec().depthwiseProducer(), c));
            Pairs.Spec multiplier = Pairs.spec().depthwiseProducer().between("Relu");
            multiplier.multiplier = 2;
            out.add(Arguments.of("depthwise x2-relu-pointwise", multiplier, c));
            Pairs.Spec grouped = Pairs.spec().between("LeakyRelu");
            grouped.group2 = 2;
            grouped.kernel2 = 3;
            grouped.pads2 = 1;
            out.add(Arguments.of("conv-leakyrelu-grouped", grouped, c));
            Pairs.Spec dw = Pairs.spec().between("Relu");
            dw.group2 = Pairs.C;
            dw.kernel2 = 3;
            dw.pads2 = 1;
            out.add(Arguments.of("conv-relu-depthwise", dw, c));
            out.add(Arguments.of("conv-prelu-maxpool-conv", Pairs.spec().between("PRelu", "MaxPool"), c));
            out.add(Arguments.of("conv-clip0-zeropad-conv", Pairs.spec().between("ClipLow", "ZeroPad"), c));
            Pairs.Spec t = Pairs.spec().between("Relu");
            t.transposed = true;
            out.add(Arguments.of("conv-relu-convtranspose", t, c));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("shapes")
    void equalizationKeepsTheFp32OutputThroughOrt(String name, Pairs.Spec spec, CrossLayerEqualization.Criterion c) {
        OnnxMl.ModelProto m = Pairs.build(spec);
        List<Link> links = Link.find(ModelGraph.of(m), Set.of());
        assertEquals(1, links.size(), name);
        CrossLayerEqualization.Result r = CrossLayerEqualization.apply(m, links, c, statistics(m, links, c));
        assertEquals(1, r.links().size());
        CrossLayerEqualization.Equalized e = r.links().get(0);
        assertTrue(e.maxFactor() / e.minFactor() > 2, name + ": the uneven channels must actually move: " + e);
        for (int seed = 0; seed < 4; seed++) {
            Map<String, Tensor> x = input(seed);
            float[] a = OrtRunner.run(m, x).get("y");
            float[] b = OrtRunner.run(r.model(), x).get("y");
            double max = 0;
            for (float v : a) {
                max = Math.max(max, Math.abs(v));
            }
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-5 * max, name + " element " + i);
            }
        }
    }

    @Test
    void dataFreeCriterionBalancesProducerRowsAndConsumerColumns() {
        OnnxMl.ModelProto m = Pairs.build(Pairs.spec().between("Relu"));
        List<Link> links = Link.find(ModelGraph.of(m), Set.of());
        CrossLayerEqualization.Result r = CrossLayerEqualization.apply(m, links, W, Map.of());
        ModelGraph g = ModelGraph.of(r.model());
        double[] r1 = ConsumerAxis.outputAbsMax(g.constantValue("W1").orElseThrow(), Pairs.C);
        double[] r2 = ConsumerAxis.inputAbsMax(g.node("c").orElseThrow(), g.constantValue("W2").orElseThrow(),
                Pairs.C);
        for (int ch = 0; ch < Pairs.C; ch++) {
            assertEquals(r1[ch], r2[ch], 1e-4 * r1[ch], "channel " + ch); // both sqrt(r1·r2) (Nagel et al.)
        }
        assertTrue(r.links().get(0).spreadBefore() > 100, "rows were scaled 0.02·3^c: " + r.links());
    }

    @Test
    void activationCriterionEvensOutTheActivationIntoADepthwiseConsumerAndCentresLinearLinks() {
        Pairs.Spec dw = Pairs.spec().between("Relu");
        dw.group2 = Pairs.C;
        dw.kernel2 = 3;
        dw.pads2 = 1;
        OnnxMl.ModelProto m = Pairs.build(dw);
        List<Link> links = Link.find(ModelGraph.of(m), Set.of());
        CrossLayerEqualization.Result r = CrossLayerEqualization.apply(m, links, A, statistics(m, links, A));
        double[][] after = ranges(r.model(), links.get(0).activation());
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (double v : after[1]) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        assertTrue(hi / lo < 1.01, "channel maxima after: " + java.util.Arrays.toString(after[1]));

        OnnxMl.ModelProto pw = Pairs.build(Pairs.spec().depthwiseProducer());
        List<Link> pl = Link.find(ModelGraph.of(pw), Set.of());
        CrossLayerEqualization.Result c = CrossLayerEqualization.apply(pw, pl, A, statistics(pw, pl, A));
        assertTrue(c.links().get(0).maxShift() > 0, "re-centred: " + c.links());
        assertTrue(ModelGraph.of(c.model()).node("p").orElseThrow().inputs().size() == 3, "bias created");
        double[][] centred = ranges(c.model(), pl.get(0).activation());
        for (int ch = 0; ch < Pairs.IN; ch++) {
            double mid = (centred[0][ch] + centred[1][ch]) / 2;
            assertEquals(0, mid, 1e-4 * (centred[1][ch] - centred[0][ch]), "channel " + ch + " centred");
        }
    }

    @Test
    void deadChannelsAndAllZeroWeightsStayFiniteAndUntouched() {
        Pairs.Spec s = Pairs.spec().between("Relu");
        s.rowScale = new float[]{0, 1, 0.5f, 0, 2, 1, 0.1f, 0};
        OnnxMl.ModelProto m = Pairs.build(s);
        List<Link> links = Link.find(ModelGraph.of(m), Set.of());
        for (CrossLayerEqualization.Criterion c : CrossLayerEqualization.Criterion.values()) {
            CrossLayerEqualization.Result r = CrossLayerEqualization.apply(m, links, c, statistics(m, links, c));
            float[] w1 = ModelGraph.of(r.model()).constantValue("W1").orElseThrow().floats();
            int per = w1.length / Pairs.C;
            for (int i = 0; i < w1.length; i++) {
                assertTrue(Float.isFinite(w1[i]), c + " element " + i);
                if (s.rowScale[i / per] == 0) {
                    assertEquals(0f, Math.abs(w1[i]), c + ": a dead row stays zero");
                }
            }
            float[] a = OrtRunner.run(m, input(1)).get("y");
            float[] b = OrtRunner.run(r.model(), input(1)).get("y");
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-4 * (1 + Math.abs(a[i])));
            }
        }
        Pairs.Spec zero = Pairs.spec().between("Relu");
        zero.rowScale = new float[Pairs.C];
        OnnxMl.ModelProto z = Pairs.build(zero);
        List<Link> zl = Link.find(ModelGraph.of(z), Set.of());
        CrossLayerEqualization.Result r = CrossLayerEqualization.apply(z, zl, W, Map.of());
        assertEquals(1.0, r.links().get(0).minFactor());
        assertEquals(1.0, r.links().get(0).maxFactor());
    }

    @Test
    void noLinksLeavesTheModelItself() {
        OnnxMl.ModelProto m = TinyModels.gemmTransB();
        assertTrue(CrossLayerEqualization.apply(m, List.of(), A, Map.of()).model() == m);
    }

    static Map<String, Tensor> input(int seed) {
        return Map.of("x", TinyModels.randomTensor(100 + seed, 1, Pairs.IN, 8, 8));
    }

    /** The statistics the criterion asks for, computed here through ORT over 6 seeded inputs. */
    static Map<StatisticSpec, StatResult> statistics(OnnxMl.ModelProto m, List<Link> links,
                                                     CrossLayerEqualization.Criterion c) {
        Map<StatisticSpec, StatResult> out = new HashMap<>();
        for (StatisticSpec s : CrossLayerEqualization.statistics(links, c)) {
            double[][] r = ranges(m, s.tensor());
            out.put(s, new StatResult(s.stat() == PerSampleStat.MIN ? r[0] : r[1], 6, 0));
        }
        return out;
    }

    /** Mean over 6 inputs of each channel's per-sample min and max of {@code tensor}. */
    static double[][] ranges(OnnxMl.ModelProto m, String tensor) {
        OnnxMl.ModelProto exposed = GraphRewriter.apply(m, List.of(new GraphEdit.AddOutput(tensor)));
        double[] lo = null;
        double[] hi = null;
        for (int seed = 0; seed < 6; seed++) {
            float[] v = OrtRunner.run(exposed, input(seed)).get(tensor);
            int channels = ModelGraph.of(m).node("c").map(n -> (int) ConsumerAxis.inputChannels(n,
                    ModelGraph.of(m).constantValue(n.inputs().get(1)).orElseThrow())).orElseThrow();
            if (lo == null) {
                lo = new double[channels];
                hi = new double[channels];
            }
            int per = v.length / channels;
            for (int ch = 0; ch < channels; ch++) {
                double a = Double.POSITIVE_INFINITY;
                double b = Double.NEGATIVE_INFINITY;
                for (int i = ch * per; i < (ch + 1) * per; i++) {
                    a = Math.min(a, v[i]);
                    b = Math.max(b, v[i]);
                }
                lo[ch] += a / 6;
                hi[ch] += b / 6;
            }
        }
        return new double[][]{lo, hi};
    }
}
