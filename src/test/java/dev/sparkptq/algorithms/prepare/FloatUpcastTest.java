package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.Fp16Models;
import dev.sparkptq.graph.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.intAttr;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FloatUpcastTest {
    private static final int FLOAT = 1;
    private static final Map<String, Tensor> X = Map.of("x", TinyModels.randomTensor(11, 1, 3, 8, 8));

    /** convReluConv plus a Cast round trip through float (its target becomes the 16-bit type). */
    private static OnnxMl.ModelProto withCast() {
        OnnxMl.ModelProto m = TinyModels.convReluConv();
        OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
        g.setNode(2, g.getNode(2).toBuilder().setOutput(0, "pre"));
        g.addNode(node("Cast", "cast", List.of("pre"), List.of("y"), intAttr("to", FLOAT)));
        return m.toBuilder().setGraph(g).build();
    }

    @ParameterizedTest
    @ValueSource(ints = {Fp16Models.FLOAT16, Fp16Models.BFLOAT16})
    void aSixteenBitModelBecomesTheFp32ModelWithItsRoundedWeightsExactly(int type) {
        OnnxMl.ModelProto fp32 = withCast();
        OnnxMl.ModelProto half = Fp16Models.convert(fp32, type);
        assertEquals(Set.of(type), Fp16Models.elementTypes(half));
        PreparationStep.Result r = new FloatUpcast().apply(half);
        assertEquals(Set.of(FLOAT), Fp16Models.elementTypes(r.model()));
        assertEquals(FLOAT, r.model().getGraph().getNode(3).getAttribute(0).getI(), "the Cast target is FLOAT");
        assertEquals(List.of("x", "y"), r.record().names(), "the inputs and outputs that became FP32");
        assertTrue(r.record().summary().startsWith(type == Fp16Models.FLOAT16 ? "FP16 model upcast to FP32"
                : "BF16 model upcast to FP32"), r.record().summary());
        assertTrue(r.record().summary().contains("inputs and outputs are FP32"), r.record().summary());
        // every 16-bit value is a float: the upcast model is the FP32 model with rounded weights, bit for bit
        Checks.assertIdenticalOutputs(Fp16Models.roundedWeights(fp32, type), r.model(), X);
    }

    @Test
    void specialHalfValuesConvertExactly() {
        for (float f : new float[] {0f, -0f, 1f, -2.5f, 65504f, 0x1p-24f, 0x1p-14f, 0.1f, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY}) {
            short bits = Fp16Models.bits(f, Fp16Models.FLOAT16);
            assertEquals(Fp16Models.back(bits, Fp16Models.FLOAT16), dev.sparkptq.core.HalfFloat.toFloat(bits), "value " + f);
        }
        assertTrue(Float.isNaN(dev.sparkptq.core.HalfFloat.toFloat((short) 0x7E00)));
        for (int bits = 0; bits < 0x10000; bits++) { // every half, against an independent decoder
            float want = Fp16Models.back((short) bits, Fp16Models.FLOAT16);
            float got = dev.sparkptq.core.HalfFloat.toFloat((short) bits);
            assertTrue(Float.isNaN(want) ? Float.isNaN(got) : want == got && Math.copySign(1f, want)
                    == Math.copySign(1f, got), "bits " + Integer.toHexString(bits));
        }
    }

    @Test
    void halfValuesInsideSubgraphsAndTypedAttributesAreUpcastToo() {
        OnnxMl.GraphProto branch = OnnxMl.GraphProto.newBuilder().setName("b")
                .addNode(node("ConstantOfShape", "fill", List.of("shape"), List.of("o"),
                        OnnxMl.AttributeProto.newBuilder().setName("value").setType(
                                OnnxMl.AttributeProto.AttributeType.TENSOR).setT(
                                dev.sparkptq.graph.TensorProtos.fromTensor("v", Tensor.ofFloats(new long[] {1},
                                        new float[] {2f}))).build()))
                .addOutput(floatInfo("o", 2)).build();
        OnnxMl.AttributeProto.Builder then = OnnxMl.AttributeProto.newBuilder().setName("then_branch")
                .setType(OnnxMl.AttributeProto.AttributeType.GRAPH).setG(branch);
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(TinyModels.info("c", 9))
                .addOutput(floatInfo("y", 2)).addInitializer(TinyModels.longs("shape", new long[] {2}))
                .addNode(node("If", "if", List.of("c"), List.of("y"), then.build(),
                        then.setName("else_branch").build()));
        OnnxMl.ModelProto half = Fp16Models.convert(TinyModels.model(13, g), Fp16Models.FLOAT16);
        OnnxMl.ModelProto up = new FloatUpcast().apply(half).model();
        OnnxMl.GraphProto inner = up.getGraph().getNode(0).getAttribute(0).getG();
        assertEquals(FLOAT, inner.getNode(0).getAttribute(0).getT().getDataType());
        assertEquals(FLOAT, inner.getOutput(0).getType().getTensorType().getElemType());
    }

    @Test
    void anFp32ModelIsLeftAsItIs() {
        OnnxMl.ModelProto m = TinyModels.convReluConv();
        assertSame(m, new FloatUpcast().apply(m).model());
    }
}
