package dev.sparkptq.algorithms.kernelchoice;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.model;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.InputRef;
import dev.sparkptq.plan.PointKind;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;
import dev.sparkptq.plan.Specs;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Candidates, plan reduction and the ORT measurement of a group, on a tiny model built in code. */
class KernelChoiceTest {
    /**
     * x[4,16] ─► q(Wq[16,8]) ─► +bq ─► yq        (q and k share x: one group)
     *        └─► k(Wk[16,8]) ─► yk
     *        └─► Relu ─► xo ─► o(Wo[16,8]) ─► yo (its own group; the plan ties a Q/DQ on Relu's input to xo's)
     */
    static OnnxMl.ModelProto tiny() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("k")
                .addInput(floatInfo("x", 4, 16)).addOutput(floatInfo("yq", 4, 8)).addOutput(floatInfo("yk", 4, 8))
                .addOutput(floatInfo("yo", 4, 8))
                .addInitializer(floats("Wq", 31, 16, 8)).addInitializer(floats("bq", 32, 8))
                .addInitializer(floats("Wk", 33, 16, 8)).addInitializer(floats("Wo", 34, 16, 8))
                .addNode(node("MatMul", "q", List.of("x", "Wq"), List.of("mq")))
                .addNode(node("Add", "addq", List.of("mq", "bq"), List.of("yq")))
                .addNode(node("MatMul", "k", List.of("x", "Wk"), List.of("yk")))
                .addNode(node("Relu", "relu", List.of("x"), List.of("xo")))
                .addNode(node("MatMul", "o", List.of("xo", "Wo"), List.of("yo")));
        return model(13, g);
    }

    private static QuantizationPoint point(String tensor, PointKind kind, String tiedTo, InputRef... refs) {
        return new QuantizationPoint(tensor, kind, List.of(refs), kind == PointKind.WEIGHT ? 1 : -1,
                kind == PointKind.WEIGHT ? Specs.weights() : Specs.activations(), false, tiedTo);
    }

    static QuantizationPlan plan() {
        List<QuantizationPoint> p = new ArrayList<>();
        p.add(point("x", PointKind.ACTIVATION, null, new InputRef("q", 0), new InputRef("k", 0)));
        p.add(point("x", PointKind.ACTIVATION, "xo", new InputRef("relu", 0))); // tied to o's input
        p.add(point("xo", PointKind.ACTIVATION, null, new InputRef("o", 0)));
        p.add(point("Wq", PointKind.WEIGHT, null, new InputRef("q", 1)));
        p.add(point("Wk", PointKind.WEIGHT, null, new InputRef("k", 1)));
        p.add(point("Wo", PointKind.WEIGHT, null, new InputRef("o", 1)));
        return new QuantizationPlan(p, Set.of("q", "k", "o", "relu"), List.of());
    }

    static Map<String, QuantParams> params(ModelGraph g) {
        Map<String, QuantParams> out = new TreeMap<>();
        out.put("x", new QuantParams(new float[] {2f / 255}, new int[] {128}, -1, DType.UINT8, 0, 255));
        out.put("x@xo", out.get("x"));
        out.put("xo", new QuantParams(new float[] {1f / 255}, new int[] {0}, -1, DType.UINT8, 0, 255));
        for (String w : List.of("Wq", "Wk", "Wo")) {
            Tensor t = g.constantValue(w).orElseThrow();
            out.put(w, perColumn(t));
        }
        return out;
    }

    static QuantParams perColumn(Tensor w) {
        int n = (int) w.dim(1);
        float[] s = new float[n];
        float[] v = w.floats();
        for (int i = 0; i < v.length; i++) {
            s[i % n] = Math.max(s[i % n], Math.abs(v[i]) / 127f);
        }
        return new QuantParams(s, new int[n], 1, DType.INT8, -127, 127);
    }

    @Test
    void candidatesAreGroupedByTheActivationTheyRead() {
        ModelGraph g = ModelGraph.of(tiny());
        List<KernelGroup> groups = KernelCandidates.find(g, plan(), params(g));
        assertEquals(List.of("x", "xo"), groups.stream().map(KernelGroup::input).toList());
        assertEquals(List.of("q", "k"), groups.get(0).ops().stream().map(KernelOp::node).toList());
        Map<String, QuantParams> asymmetricWo = new TreeMap<>(params(g));
        asymmetricWo.put("Wo", new QuantParams(new float[] {0.01f}, new int[] {3}, -1, DType.INT8, -128, 127));
        assertEquals(1, KernelCandidates.find(g, plan(), asymmetricWo).size(), "a weight with a zero point != 0 "
                + "cannot be a MatMulInteger weight with zero point 0");
    }

    @Test
    void dynamicAndFloatGroupsLoseTheirPointsAndTheirTiedNeighbours() {
        ModelGraph g = ModelGraph.of(tiny());
        List<KernelGroup> groups = KernelCandidates.find(g, plan(), params(g));
        List<KernelChoice.Decided> decided = new ArrayList<>(KernelChoice.fixed(groups.subList(0, 1),
                Kernel.STATIC, "kept"));
        decided.addAll(KernelChoice.fixed(groups.subList(1, 2), Kernel.DYNAMIC, "test"));
        KernelChoice.Outcome out = KernelChoice.apply(g, plan(), params(g), decided);
        assertEquals(List.of("x", "Wq", "Wk"), out.plan().points().stream().map(QuantizationPoint::tensor).toList(),
                "o's input point, its weight point and the point tied to it are gone");
        assertEquals(1, out.edits().size());
        assertTrue(out.edits().get(0) instanceof GraphEdit.QuantizeDynamically qd && qd.node().equals("o"));
        assertEquals(Set.of("o"), out.nonStaticNodes());
        assertEquals(3, out.rows().size());

        KernelChoice.Outcome allFloat = KernelChoice.apply(g, plan(), params(g),
                KernelChoice.fixed(groups, Kernel.FLOAT, "test"));
        assertTrue(allFloat.plan().points().isEmpty());
        assertTrue(allFloat.edits().isEmpty());
    }

    @Test
    void theProbeMeasuresEveryKernelInOnnxRuntime() {
        ModelGraph g = ModelGraph.of(tiny());
        KernelGroup qk = KernelCandidates.find(g, plan(), params(g)).get(0);
        ProbeModels.Probes probes = ProbeModels.of(g, qk, plan(), params(g), 2);
        assertEquals(Map.of("q", "yq", "k", "yk"), probes.outputs(), "q's bias Add is part of its probe");
        OrtEngineFactory engines = new OrtEngineFactory();
        KernelProbe probe = new KernelProbe(engines, m -> {
            byte[] b = ModelIo.toBytes(m);
            return ModelBlob.ofBytes(ModelIo.sha256(b), b);
        }, 3);
        List<Tensor> inputs = List.of(TinyModels.randomTensor(41, 4, 16), TinyModels.randomTensor(42, 4, 16));
        Map<Kernel, Double> ms = probe.latency(probes, inputs);
        assertEquals(Set.of(Kernel.FLOAT, Kernel.STATIC, Kernel.DYNAMIC), ms.keySet());
        ms.values().forEach(v -> assertTrue(v > 0 && Double.isFinite(v), ms.toString()));
        Map<String, Map<Kernel, Double>> err = probe.errors(probes, inputs);
        for (String op : List.of("q", "k")) {
            assertEquals(0.0, err.get(op).get(Kernel.FLOAT));
            for (Kernel k : List.of(Kernel.STATIC, Kernel.DYNAMIC)) {
                double e = err.get(op).get(k);
                assertTrue(e > 0 && e < 1e-3, op + " " + k + " relative squared error " + e);
            }
        }
        List<Map<String, Tensor>> captured = probe.capture(tiny(), List.of("x", "xo"),
                List.of(Map.of("x", inputs.get(0))));
        assertEquals(1, captured.size());
        assertFalse(captured.get(0).get("xo").floats()[0] < 0, "Relu output captured");
        assertEquals("rank 2 | MatMul[16, 8] +bias | MatMul[16, 8]", ProbeModels.signature(g, qk, 2));
    }
}
