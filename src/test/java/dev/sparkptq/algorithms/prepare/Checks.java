package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.OrtRunner;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions shared by the preparation step tests: structure helpers and numerics in ONNX Runtime. */
final class Checks {
    private Checks() {
    }

    static List<String> opTypes(OnnxMl.ModelProto m) {
        return m.getGraph().getNodeList().stream().map(OnnxMl.NodeProto::getOpType).toList();
    }

    static List<String> names(List<OnnxMl.ValueInfoProto> infos) {
        return infos.stream().map(OnnxMl.ValueInfoProto::getName).toList();
    }

    /** Same graph inputs and outputs, and byte-identical outputs in ORT. */
    static void assertIdenticalOutputs(OnnxMl.ModelProto before, OnnxMl.ModelProto after, Map<String, Tensor> in) {
        assertSameInterface(before, after);
        Map<String, float[]> want = OrtRunner.run(before, in);
        Map<String, float[]> got = OrtRunner.run(after, in);
        assertEquals(want.keySet(), got.keySet());
        want.forEach((k, v) -> assertArrayEquals(v, got.get(k), 0f, k));
    }

    /** Same graph inputs and outputs, and every output element within {@code rel} of max(1, |expected|). */
    static void assertCloseOutputs(OnnxMl.ModelProto before, OnnxMl.ModelProto after, Map<String, Tensor> in,
                                   double rel) {
        assertSameInterface(before, after);
        Map<String, float[]> want = OrtRunner.run(before, in);
        Map<String, float[]> got = OrtRunner.run(after, in);
        assertEquals(want.keySet(), got.keySet());
        want.forEach((k, v) -> {
            float[] g = got.get(k);
            assertEquals(v.length, g.length, k);
            double worst = 0;
            for (int i = 0; i < v.length; i++) {
                worst = Math.max(worst, Math.abs(v[i] - g[i]) / Math.max(1.0, Math.abs(v[i])));
            }
            assertTrue(worst <= rel, k + ": largest relative difference " + worst + " exceeds " + rel);
        });
    }

    static void assertSameInterface(OnnxMl.ModelProto before, OnnxMl.ModelProto after) {
        assertEquals(names(before.getGraph().getInputList()), names(after.getGraph().getInputList()));
        assertEquals(names(before.getGraph().getOutputList()), names(after.getGraph().getOutputList()));
    }
}
