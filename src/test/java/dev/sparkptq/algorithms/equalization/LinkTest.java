package dev.sparkptq.algorithms.equalization;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.TinyModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which layer pairs cross-layer equalization may rescale: only through positively homogeneous per-channel ops. */
class LinkTest {

    private static List<Link> links(Pairs.Spec s) {
        return Link.find(ModelGraph.of(Pairs.build(s)), Set.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Relu", "LeakyRelu", "PRelu", "ClipLow", "MaxPool", "ZeroPad", "Identity"})
    void aHomogeneousOpBetweenFormsALink(String op) {
        List<Link> l = links(Pairs.spec().between(op));
        assertEquals(1, l.size(), op);
        assertEquals("p", l.get(0).producer().name());
        assertEquals("c", l.get(0).consumer().name());
        assertEquals(List.of("b1"), l.get(0).between().stream().map(n -> n.name()).toList());
        assertEquals(Pairs.C, l.get(0).channels());
        assertEquals(op.equals("Identity"), l.get(0).linear(), op);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Clip6", "HardSwish", "Sigmoid", "Tanh", "Exp"})
    void aNonHomogeneousOpBlocksTheLink(String op) {
        // Clip(0, 6): min(x/s, 6) != min(x, 6)/s, and ONNX's Clip has no per-channel bound to rescale
        assertTrue(links(Pairs.spec().between(op)).isEmpty(), op);
    }

    @Test
    void depthwiseProducerWithoutBiasIntoPointwiseIsALinearUnpaddedLink() {
        Link l = links(Pairs.spec().depthwiseProducer()).get(0);
        assertTrue(l.linear());
        assertTrue(l.consumerUnpadded());
        assertEquals(null, l.biasIn());
        assertEquals(Pairs.IN, l.channels());
    }

    @Test
    void groupedAndTransposedConsumersAndChainsOfOps() {
        Pairs.Spec grouped = Pairs.spec().between("Relu");
        grouped.group2 = 2;
        grouped.kernel2 = 3;
        grouped.pads2 = 1;
        Link g = links(grouped).get(0);
        assertFalse(g.consumerUnpadded());
        Pairs.Spec t = Pairs.spec().between("PRelu", "MaxPool");
        t.transposed = true;
        assertEquals(2, links(t).get(0).between().size());
        assertEquals("ConvTranspose", links(t).get(0).consumer().opType());
    }

    @Test
    void aSecondReaderOrASkippedConsumerBlocksTheLink() {
        OnnxMl.ModelProto m = Pairs.build(Pairs.spec().between("Relu"));
        OnnxMl.ModelProto branched = m.toBuilder().setGraph(m.getGraph().toBuilder()
                .addOutput(TinyModels.floatInfo("h1", 1, Pairs.C, 8, 8))).build();
        assertTrue(Link.find(ModelGraph.of(branched), Set.of()).isEmpty(), "the activation is also a graph output");
        assertTrue(Link.find(ModelGraph.of(m), Set.of("c")).isEmpty(), "consumer left to channel alignment");
        assertTrue(Link.find(ModelGraph.of(TinyModels.convReluConv()), Set.of()).size() == 1);
    }
}
