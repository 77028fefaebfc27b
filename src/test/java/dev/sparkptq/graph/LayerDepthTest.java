package dev.sparkptq.graph;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LayerDepthTest {
    @Test
    void countedNodesAddOneToTheDeepestInputAndOthersKeepIt() {
        Map<String, Integer> depth = LayerDepth.of(ModelGraph.of(TinyModels.convReluConv()),
                n -> n.opType().equals("Conv"));
        assertEquals(Map.of("conv1", 1, "relu1", 1, "conv2", 2), depth);
    }

    @Test
    void nothingCountedIsDepthZeroEverywhere() {
        Map<String, Integer> depth = LayerDepth.of(ModelGraph.of(TinyModels.convReluConv()), n -> false);
        assertEquals(Map.of("conv1", 0, "relu1", 0, "conv2", 0), depth);
    }
}
