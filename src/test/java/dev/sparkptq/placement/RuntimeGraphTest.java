package dev.sparkptq.placement;

import dev.sparkptq.placement.RuntimeGraph.RuntimeNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuntimeGraphTest {
    private static RuntimeNode n(String name, String op, List<String> in, List<String> out) {
        return new RuntimeNode(name, op, op.startsWith("QLinear") || op.startsWith("Nhwc") ? "com.microsoft" : "", in,
                out);
    }

    /** x →Q→ QLinearConv conv_token_3 → NhwcMaxPool pool_token_7 → QLinearConv conv2 → DQ → Relu tail. */
    private static RuntimeGraph chain() {
        return new RuntimeGraph(List.of(
                n("x_QuantizeLinear", "QuantizeLinear", List.of("x", "s", "z"), List.of("xq")),
                n("conv_token_3", "QLinearConv", List.of("xq", "s", "z", "W_quantized"), List.of("c")),
                n("pool_token_7", "NhwcMaxPool", List.of("c"), List.of("p")),
                n("conv2", "QLinearConv", List.of("p", "s", "z", "W2_quantized"), List.of("c2")),
                n("c2_DequantizeLinear", "DequantizeLinear", List.of("c2", "s", "z"), List.of("d")),
                n("pool2", "MaxPool", List.of("c2"), List.of("p2")),
                n("p2_DequantizeLinear", "DequantizeLinear", List.of("p2", "s", "z"), List.of("d2")),
                n("tail", "Relu", List.of("d"), List.of("y"))));
    }

    @Test
    void ourNodesAreFoundUnderTheirNameOrWithTheLayoutToken() {
        RuntimeGraph g = chain();
        assertTrue(g.runsInteger("conv"), "conv_token_3 is our conv");
        assertTrue(g.runsInteger("conv2"));
        assertFalse(g.runsInteger("tail"));
        assertFalse(g.runsInteger("con"), "a prefix of a name is not the name");
        assertTrue(g.runs("x_QuantizeLinear", "QuantizeLinear"));
        assertEquals(1, g.nodesFor("pool").size());
    }

    @Test
    void integerTensorsFollowQuantizersIntegerKernelsAndDataMovement() {
        assertEquals(Set.of("xq", "c", "p", "c2", "p2"), chain().integerTensors());
    }

    @Test
    void dataMovementCountsOnlyWhenItsIntegersReachAnIntegerKernel() {
        RuntimeGraph g = chain();
        assertTrue(g.movesIntegersToAKernel("pool"), "the int8 max-pool feeds conv2");
        assertFalse(g.movesIntegersToAKernel("pool2"), "an int8 max-pool that only feeds a DequantizeLinear");
        assertTrue(g.integerKernelReads("W2_quantized"));
        assertFalse(g.integerKernelReads("W9_quantized"));
    }

    @Test
    void opCountsQualifyTheDomain() {
        assertEquals(2, chain().opCounts().get("com.microsoft:QLinearConv"));
        assertEquals(2, chain().opCounts().get("DequantizeLinear"));
    }
}
