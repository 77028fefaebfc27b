package dev.sparkptq.placement;

import dev.sparkptq.graph.edit.OrtQdqLayout;
import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.QuantMath;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.OrtRunner;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphRewriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.sparkptq.placement.PlacementFixture.act;
import static dev.sparkptq.placement.PlacementFixture.in;
import static dev.sparkptq.placement.PlacementFixture.s8;
import static dev.sparkptq.placement.PlacementFixture.u8;
import static dev.sparkptq.placement.PlacementFixture.w;
import static dev.sparkptq.placement.PlacementFixture.weight;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrtQdqLayoutTest {
    @Test
    void anInt8ActivationBecomesUint8WithTheSameDequantizedValueAtEveryLevel() {
        QuantParams signed = new QuantParams(new float[]{0.05f}, new int[]{-3}, -1, DType.INT8, -128, 127);
        QuantParams unsigned = OrtQdqLayout.unsignedActivation(signed);
        assertEquals(DType.UINT8, unsigned.storage());
        assertEquals(125, unsigned.zeroPoint()[0]);
        assertEquals(0, unsigned.levelLow());
        assertEquals(255, unsigned.levelHigh());
        for (int q = -128; q <= 127; q++) {
            assertEquals(QuantMath.dequantize(q, 0.05f, -3), QuantMath.dequantize(q + 128, 0.05f, 125));
        }
        QuantParams sevenBit = new QuantParams(new float[]{0.1f}, new int[]{0}, -1, DType.INT8, -64, 63);
        QuantParams shifted = OrtQdqLayout.unsignedActivation(sevenBit);
        assertEquals(64, shifted.levelLow(), "narrow levels stay narrow");
        assertEquals(191, shifted.levelHigh());
        QuantParams already = u8(0.1f);
        assertSame(already, OrtQdqLayout.unsignedActivation(already), "uint8 is left alone");
    }

    @Test
    void weightsKeepTheirSignedStorage() {
        List<GraphEdit> out = OrtQdqLayout.of(List.of(w("W1", weight(8, 0.01f), in("c1", 1))));
        assertEquals(DType.INT8, ((GraphEdit.InsertQdq) out.get(0)).params().storage());
    }

    @Test
    void editsOnOneTensorWithEqualParametersShareOneQuantizerAndOthersStaySeparate() {
        List<GraphEdit> out = OrtQdqLayout.of(List.of(
                act("r", u8(0.1f), in("dw", 0)),
                act("x", u8(0.2f), in("c1", 0)),
                act("r", u8(0.1f), in("pool", 0)),
                act("r", u8(0.3f), in("other", 0))));
        assertEquals(3, out.size());
        GraphEdit.InsertQdq merged = (GraphEdit.InsertQdq) out.get(0);
        assertEquals("r", merged.tensor());
        assertEquals(List.of(in("dw", 0), in("pool", 0)), merged.consumers(),
                "first member's place, union of consumers");
        assertEquals(0.3f, ((GraphEdit.InsertQdq) out.get(2)).params().scale()[0], "different parameters stay apart");
    }

    /** The residual block's int8 input and Add inputs, read by two convs and the Add. */
    private static List<GraphEdit> convsAndAdd() {
        return List.of(act("x", s8(0.02f), in("c1", 0), in("c2", 0)),
                w("W1", weight(8, 0.01f), in("c1", 1)), w("W2", weight(8, 0.01f), in("c2", 1)),
                act("a", s8(0.05f), in("add", 0)), act("b", s8(0.05f), in("add", 1)));
    }

    /**
     * The residual block with the Relu output quantized twice (for the depthwise conv and, with the same parameters,
     * for the max-pool): with one QuantizeLinear ORT folds the Relu into it and runs the Add as QLinearAdd; with two,
     * the Relu stays and the Add runs in float between DequantizeLinear nodes.
     */
    @Test
    void oneQuantizerOnTheReluLetsOrtFuseTheResidualAddAndTheNumbersDoNotChange(@TempDir Path tmp) throws Exception {
        OnnxMl.ModelProto model = PlacementFixture.residualBlock();
        List<GraphEdit> edits = new java.util.ArrayList<>(convsAndAdd());
        edits.addAll(List.of(w("W3", weight(8, 0.01f), in("dw", 1)),
                act("r", u8(0.04f), in("dw", 0)), act("r", u8(0.04f), in("pool", 0))));
        OnnxMl.ModelProto asIs = GraphRewriter.apply(model, edits);
        OnnxMl.ModelProto laidOut = GraphRewriter.apply(model, OrtQdqLayout.of(edits));
        RuntimeGraph before = PlacementFixture.optimized(asIs, tmp);
        RuntimeGraph after = PlacementFixture.optimized(laidOut, tmp);
        assertFalse(before.runsInteger("add"), "two quantizers on the Relu keep the Add float: " + before.opCounts());
        assertTrue(after.runsInteger("add"), "one quantizer: QLinearAdd " + after.opCounts());
        assertTrue(after.runsInteger("c1") && after.runsInteger("c2"), after.opCounts().toString());
        assertFalse(after.runsInteger("dw"), "dw writes a graph output without a quantizer: float");
        Map<String, Tensor> x = Map.of("x", TinyModels.randomTensor(5, 1, 8, 16, 16));
        Map<String, float[]> a = OrtRunner.run(asIs, x);
        Map<String, float[]> b = OrtRunner.run(laidOut, x);
        assertArrayEquals(a.get("y1"), b.get("y1"), "the same Q/DQ arithmetic (exact, no graph optimization)");
        assertArrayEquals(a.get("y2"), b.get("y2"));
    }

    /**
     * An int8 activation read by two convs: ORT converts an int8 Q/DQ pair to uint8 only for a QuantizeLinear with a
     * single DequantizeLinear, and on x86 fuses only uint8 activations into QLinearConv — so both convs stayed float.
     */
    @Test
    void aSignedActivationReadByTwoConvsFusesBothOnceStoredAsUint8(@TempDir Path tmp) throws Exception {
        OnnxMl.ModelProto model = PlacementFixture.residualBlock();
        List<GraphEdit> edits = convsAndAdd();
        RuntimeGraph signed = PlacementFixture.optimized(GraphRewriter.apply(model, edits), tmp);
        RuntimeGraph unsigned = PlacementFixture.optimized(GraphRewriter.apply(model, OrtQdqLayout.of(edits)), tmp);
        assertFalse(signed.runsInteger("c1"), "int8 x with two readers: " + signed.opCounts());
        assertTrue(unsigned.runsInteger("c1") && unsigned.runsInteger("c2"), unsigned.opCounts().toString());
    }
}
