package dev.sparkptq.graph.edit;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.InternalException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Structural promises every rewrite keeps; a violation means a bug in spark-ptq, hence {@link InternalException}.
 */
public final class GraphInvariants {
    private GraphInvariants() {
    }

    /**
     * Checks {@code rewritten} against {@code original}: same graph input names in the same order; the original
     * outputs first and unchanged (new outputs only appended); every node input produced by an earlier node, an
     * initializer or a graph input (so nodes are topologically ordered); unique node names; one producer per tensor.
     */
    public static void check(OnnxMl.ModelProto original, OnnxMl.ModelProto rewritten) {
        OnnxMl.GraphProto before = original.getGraph();
        OnnxMl.GraphProto after = rewritten.getGraph();
        List<String> inputsBefore = before.getInputList().stream().map(OnnxMl.ValueInfoProto::getName).toList();
        List<String> inputsAfter = after.getInputList().stream().map(OnnxMl.ValueInfoProto::getName).toList();
        if (!inputsBefore.equals(inputsAfter)) {
            throw new InternalException("rewrite changed the graph inputs from " + inputsBefore + " to " + inputsAfter);
        }
        List<String> outputsBefore = before.getOutputList().stream().map(OnnxMl.ValueInfoProto::getName).toList();
        List<String> outputsAfter = after.getOutputList().stream().map(OnnxMl.ValueInfoProto::getName).toList();
        if (outputsAfter.size() < outputsBefore.size()
                || !outputsAfter.subList(0, outputsBefore.size()).equals(outputsBefore)) {
            throw new InternalException("rewrite changed the graph outputs from " + outputsBefore + " to "
                    + outputsAfter + "; only appending outputs is allowed");
        }
        Set<String> available = new HashSet<>(inputsAfter);
        for (OnnxMl.TensorProto t : after.getInitializerList()) {
            if (!available.add(t.getName()) && !inputsAfter.contains(t.getName())) {
                throw new InternalException("initializer '" + t.getName() + "' is defined twice after the rewrite");
            }
        }
        checkNodes(after, available);
        for (String out : outputsAfter) {
            if (!available.contains(out)) {
                throw new InternalException("graph output '" + out + "' is not produced after the rewrite");
            }
        }
    }

    private static void checkNodes(OnnxMl.GraphProto g, Set<String> available) {
        Set<String> nodeNames = new HashSet<>();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            String label = n.getOpType() + " node '" + n.getName() + "'";
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && !available.contains(in)) {
                    throw new InternalException("input '" + in + "' of " + label + " is not produced by an earlier "
                            + "node, an initializer or a graph input after the rewrite");
                }
            }
            if (!n.getName().isEmpty() && !nodeNames.add(n.getName())) {
                throw new InternalException("node name '" + n.getName() + "' is used twice after the rewrite");
            }
            for (String out : n.getOutputList()) {
                if (!out.isEmpty() && !available.add(out)) {
                    throw new InternalException("tensor '" + out + "' of " + label + " has more than one producer "
                            + "after the rewrite");
                }
            }
        }
    }
}
