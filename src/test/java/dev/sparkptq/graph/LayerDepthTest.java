package dev.sparkptq.graph;

import org.junit.jupiter.api.Test;

import java.util.List;
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

    @Test
    void levelsGroupLayersThatDoNotFeedEachOther() {
        ModelGraph g = ModelGraph.of(TinyModels.convReluConv());
        List<Node> convs = g.nodes().stream().filter(n -> n.opType().equals("Conv")).toList();
        List<List<Node>> levels = LayerDepth.levels(convs, n -> n, g);
        assertEquals(List.of(List.of("conv1"), List.of("conv2")),
                levels.stream().map(l -> l.stream().map(Node::name).toList()).toList());
        List<List<Node>> one = LayerDepth.levels(List.of(convs.get(1)), n -> n, g);
        assertEquals(1, one.size(), "conv2 alone has nothing upstream among the layers: one level");
    }
}
