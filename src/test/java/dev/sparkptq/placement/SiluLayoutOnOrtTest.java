package dev.sparkptq.placement;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.OrtRunner;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.graph.edit.OrtQdqLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.longs;
import static dev.sparkptq.graph.TinyModels.node;
import static dev.sparkptq.placement.PlacementFixture.act;
import static dev.sparkptq.placement.PlacementFixture.in;
import static dev.sparkptq.placement.PlacementFixture.u8;
import static dev.sparkptq.placement.PlacementFixture.w;
import static dev.sparkptq.placement.PlacementFixture.weight;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What ONNX Runtime (1.28, CPU) runs for the Q/DQ layouts of a SiLU {@code x·σ(x)} between two integer convs — the
 * evidence behind keeping the all-integer gate ({@code activation_gates: integer}) as the default (BENCHMARKS.md,
 * "Round 4 — SiLU"). A float SiLU can be made to fuse into ORT's QuickGelu behind a DequantizeLinear, but QuickGelu
 * is a contrib op ORT's transpose optimizer cannot move a Transpose through, and ORT runs uint8 QLinearConv in NHWC:
 * the fused form pays a Transpose on each side, on top of its DequantizeLinear and QuantizeLinear. If a later ORT
 * learns to move Transposes through QuickGelu, {@link #theFusedFloatGateCostsATransposeOnEachSide} fails: time the
 * fused form again then.
 */
class SiluLayoutOnOrtTest {
    private static final long C = 16;

    /**
     * x → Conv c1 → a; {@code shim}(a) → f (none: f = a); Sigmoid sig(f) → s; Mul mul(f, s) → m; Conv c2(m) → y2;
     * Sigmoid tail(y2) → y (so c2 has a quantizer after it and runs as QLinearConv).
     */
    private static OnnxMl.ModelProto convSiluConv(String shim) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("silu")
                .addInput(floatInfo("x", 1, C, 16, 16)).addOutput(floatInfo("y", 1, C, 16, 16))
                .addInitializer(floats("W1", 11, C, C, 1, 1)).addInitializer(floats("W2", 12, C, C, 1, 1))
                .addInitializer(longs("same_shape", new long[]{0, C, 16, 16}))
                .addNode(node("Conv", "c1", List.of("x", "W1"), List.of("a")));
        String f = "a";
        if (shim.equals("Sum")) {
            g.addNode(node("Sum", "shim", List.of("a"), List.of("f")));
            f = "f";
        } else if (shim.equals("Reshape")) {
            g.addNode(node("Reshape", "shim", List.of("a", "same_shape"), List.of("f")));
            f = "f";
        }
        g.addNode(node("Sigmoid", "sig", List.of(f), List.of("s")))
                .addNode(node("Mul", "mul", List.of(f, "s"), List.of("m")))
                .addNode(node("Conv", "c2", List.of("m", "W2"), List.of("y2")))
                .addNode(node("Sigmoid", "tail", List.of("y2"), List.of("y")));
        return ModelIo.prepareForQuantization(TinyModels.model(13, g));
    }

    /** The quantizers of both convs, and of the gate per {@code gate}: INTEGER, INPUT (x only) or SHIM (x → shim). */
    private static OnnxMl.ModelProto quantized(String shim, String gate) {
        List<GraphEdit> edits = new ArrayList<>(List.of(act("x", u8(0.02f), in("c1", 0)),
                w("W1", weight((int) C, 0.01f), in("c1", 1)), w("W2", weight((int) C, 0.01f), in("c2", 1)),
                act("m", u8(0.05f), in("c2", 0)), act("y2", u8(0.05f), in("tail", 0))));
        switch (gate) {
            case "INTEGER" -> {
                edits.add(act("a", u8(0.05f), in("sig", 0), in("mul", 0)));
                edits.add(act("s", u8(1f / 255), in("mul", 1)));
            }
            case "INPUT" -> edits.add(act("a", u8(0.05f), in("sig", 0), in("mul", 0)));
            default -> edits.add(act("a", u8(0.05f), in("shim", 0)));
        }
        return GraphRewriter.apply(convSiluConv(shim), OrtQdqLayout.of(edits));
    }

    private static int count(RuntimeGraph g, String op) {
        return g.opCounts().getOrDefault(op, 0);
    }

    @Test
    void theIntegerGateKeepsBothConvsIntegerWithNoTransposeBetweenThem(@TempDir Path tmp) throws Exception {
        RuntimeGraph g = PlacementFixture.optimized(quantized("", "INTEGER"), tmp);
        assertTrue(g.runsInteger("c1") && g.runsInteger("c2"), g.opCounts().toString());
        assertEquals(1, count(g, "com.microsoft:QLinearSigmoid"), g.opCounts().toString());
        assertEquals(1, count(g, "com.microsoft:QLinearMul"), g.opCounts().toString());
        assertEquals(2, count(g, "Transpose"), "only at the integer region's two ends: " + g.opCounts());
    }

    /** EnsureUniqueDQForNodeUnit gives the Sigmoid and the Mul a DequantizeLinear each: QuickGelu cannot fuse. */
    @Test
    void aFloatGateReadingOneDequantizeLinearIsNotFused(@TempDir Path tmp) throws Exception {
        RuntimeGraph g = PlacementFixture.optimized(quantized("", "INPUT"), tmp);
        assertEquals(0, count(g, "com.microsoft:QuickGelu"), g.opCounts().toString());
        assertEquals(2, count(g, "Sigmoid"), "the gate's Sigmoid runs float (and the tail's): " + g.opCounts());
        assertEquals(1, count(g, "Mul"), g.opCounts().toString());
    }

    /** ORT moves a DequantizeLinear forward through a Reshape (QDQPropagation), so the duplicate comes back. */
    @Test
    void aSameShapeReshapeDoesNotLetTheGateFuse(@TempDir Path tmp) throws Exception {
        RuntimeGraph g = PlacementFixture.optimized(quantized("Reshape", "SHIM"), tmp);
        assertEquals(0, count(g, "com.microsoft:QuickGelu"), g.opCounts().toString());
    }

    /**
     * With a single-input Sum between the DequantizeLinear and the gate, ORT fuses QuickGelu and both convs stay
     * integer — and the fused activation sits between two Transposes (NHWC integer convs, NCHW float op).
     */
    @Test
    void theFusedFloatGateCostsATransposeOnEachSide(@TempDir Path tmp) throws Exception {
        RuntimeGraph integer = PlacementFixture.optimized(quantized("", "INTEGER"), tmp);
        RuntimeGraph fused = PlacementFixture.optimized(quantized("Sum", "SHIM"), tmp);
        assertEquals(1, count(fused, "com.microsoft:QuickGelu"), fused.opCounts().toString());
        assertTrue(fused.runsInteger("c1") && fused.runsInteger("c2"), fused.opCounts().toString());
        assertEquals(count(integer, "Transpose") + 2, count(fused, "Transpose"),
                "integer " + integer.opCounts() + " vs fused " + fused.opCounts());
    }

    /** The shim computes the identity: the Sum layout is the shared-DequantizeLinear layout, value for value. */
    @Test
    void theSumShimIsExact() {
        Map<String, Tensor> x = Map.of("x", TinyModels.randomTensor(3, 1, C, 16, 16));
        assertArrayEquals(OrtRunner.run(quantized("", "INPUT"), x).get("y"),
                OrtRunner.run(quantized("Sum", "SHIM"), x).get("y"));
    }
}
