package dev.sparkptq.plan;

import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.Use;
import dev.sparkptq.graph.edit.InputRef;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The readers a quantizer on a Conv/ConvTranspose/MatMul/Gemm output must also serve so that the producer fuses.
 *
 * <p>ONNX Runtime turns {@code DQ → Conv → Q} into QLinearConv only when the Conv's output goes to that
 * QuantizeLinear alone (through a Relu or Clip it folds into the quantizer, likewise read by nothing else). The op
 * rules quantize a tensor for the readers that want it (a GlobalAveragePool, a residual Add, a HardSwish's gate) and
 * leave the others in float: the Mul of a squeeze-excitation gate {@code x·HardSigmoid(se(x))}, the Add of a
 * constant. One such float reader kept the whole Conv in float (PP-OCRv4's neck: 8 of 64 convs). Reading
 * {@code DQ(x)} instead costs those readers one DequantizeLinear and the rounding the integer kernel's output has
 * anyway; the producer runs as an integer kernel.
 *
 * <p>Only for a tensor that already has a quantizer, whose producer's data input is itself quantized, that is not a
 * graph output, and only for float readers outside the ignored scope. The speed guard still removes what ORT does
 * not fuse after all.
 */
final class ProducerFusion {
    private static final Set<String> MAC_OPS = Set.of("Conv", "ConvTranspose", "MatMul", "Gemm");
    /** Ops ORT folds into the QuantizeLinear after them when it is their only reader (ReluQuantFusion, Clip…). */
    private static final Set<String> FOLDED = Set.of("Relu", "Clip");

    private ProducerFusion() {
    }

    /**
     * The readers of {@code tensor} not yet in {@code have} that must read the quantized value for its producer to
     * fuse; empty when the producer cannot fuse anyway.
     *
     * @param quantized true for a tensor that has a quantizer (the producer's data input must)
     * @param skip      readers that stay as they are (the ignored scope)
     */
    static List<InputRef> missingReaders(ModelGraph graph, String tensor, Collection<InputRef> have,
                                         Predicate<String> quantized, Predicate<Node> skip) {
        Node mac = macBehind(graph, tensor);
        if (mac == null || mac.inputs().isEmpty() || !quantized.test(mac.inputs().get(0)) || skip.test(mac)) {
            return List.of();
        }
        List<InputRef> out = new ArrayList<>();
        for (Use u : graph.consumers(tensor)) {
            InputRef ref = new InputRef(u.node().name(), u.inputIndex());
            if (!have.contains(ref) && !skip.test(u.node())) {
                out.add(ref);
            }
        }
        return out;
    }

    /** The MAC op writing {@code tensor}, directly or through one folded Relu/Clip that alone reads its output. */
    static Node macBehind(ModelGraph graph, String tensor) {
        if (graph.isGraphOutput(tensor)) {
            return null;
        }
        Node p = graph.producer(tensor);
        if (p == null || !p.isDefaultDomain()) {
            return null;
        }
        if (MAC_OPS.contains(p.opType())) {
            return p;
        }
        if (!FOLDED.contains(p.opType()) || p.inputs().isEmpty()) {
            return null;
        }
        String in = p.inputs().get(0);
        Node q = graph.producer(in);
        boolean alone = !graph.isGraphOutput(in) && graph.consumers(in).size() == 1;
        return q != null && q.isDefaultDomain() && MAC_OPS.contains(q.opType()) && alone ? q : null;
    }
}
