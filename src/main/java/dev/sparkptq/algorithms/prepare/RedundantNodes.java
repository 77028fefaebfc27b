package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.NodeProtos;
import dev.sparkptq.graph.Subgraphs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes nodes that copy their input at inference: {@code Identity} and {@code Dropout} (its mask unread, not in
 * training mode). Their readers read the input instead; when the copy is a graph output, the producer of the input
 * writes the output name directly, so graph output names never change.
 *
 * <p>Before: {@code Conv ─► c ─► Dropout ─► d ─► Relu}; after: {@code Conv ─► c ─► Relu}. Before (graph output
 * {@code y}): {@code Conv ─► c ─► Identity ─► y}; after: {@code Conv ─► y}. A copy is kept when removing it would
 * rename a value a subgraph reads, when its input is a graph input or an initializer that is also read elsewhere and
 * its output is a graph output, or when both are graph outputs.
 */
final class RedundantNodes implements PreparationStep {
    static final String NAME = "identity_dropout_removal";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result apply(OnnxMl.ModelProto model) {
        OnnxMl.GraphProto g = model.getGraph();
        List<OnnxMl.NodeProto> nodes = new ArrayList<>(g.getNodeList());
        Set<String> outputs = new HashSet<>();
        g.getOutputList().forEach(o -> outputs.add(o.getName()));
        Set<String> subgraphReads = new HashSet<>();
        nodes.forEach(n -> subgraphReads.addAll(Subgraphs.referencedNames(n)));
        Set<String> produced = new HashSet<>();
        nodes.forEach(n -> produced.addAll(n.getOutputList()));
        List<String> removed = new ArrayList<>();
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            OnnxMl.NodeProto n = nodes.get(i);
            if (!copies(n, nodes) || subgraphReads.contains(n.getOutput(0)) || subgraphReads.contains(n.getInput(0))) {
                continue;
            }
            String in = n.getInput(0);
            String out = n.getOutput(0);
            if (!outputs.contains(out)) {
                rename(nodes, out, in);
            } else if (!outputs.contains(in) && produced.contains(in)) {
                rename(nodes, in, out); // the producer writes the graph output name directly
            } else {
                continue;
            }
            nodes.set(i, null);
            removed.add(n.getName().isEmpty() ? out : n.getName());
            counts.merge(n.getOpType(), 1, Integer::sum);
        }
        if (removed.isEmpty()) {
            return new Result(model, StepRecord.none(NAME, "no Identity or inference Dropout to remove"));
        }
        OnnxMl.GraphProto.Builder b = g.toBuilder().clearNode();
        nodes.stream().filter(java.util.Objects::nonNull).forEach(b::addNode);
        return new Result(model.toBuilder().setGraph(b).build(), new StepRecord(NAME, removed.size(),
                "removed " + describe(counts), removed));
    }

    private static String describe(Map<String, Integer> counts) {
        List<String> parts = new ArrayList<>();
        new java.util.TreeMap<>(counts).forEach((op, c) -> parts.add(c + " " + op));
        return String.join(" and ", parts) + " (copies at inference)";
    }

    /** True for an Identity, or a Dropout whose mask nothing reads and which is not in training mode. */
    private static boolean copies(OnnxMl.NodeProto n, List<OnnxMl.NodeProto> nodes) {
        if (!(n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx")) || n.getInputCount() == 0
                || n.getInput(0).isEmpty() || n.getOutputCount() == 0) {
            return false;
        }
        if (n.getOpType().equals("Identity")) {
            return n.getOutputCount() == 1;
        }
        if (!n.getOpType().equals("Dropout") || NodeProtos.intOr(n, "is_test", 1) == 0) {
            return false;
        }
        boolean maskRead = n.getOutputCount() > 1 && !n.getOutput(1).isEmpty() && nodes.stream()
                .anyMatch(o -> o != null && o.getInputList().contains(n.getOutput(1)));
        return !maskRead && (n.getInputCount() < 3 || n.getInput(2).isEmpty());
    }

    /** Every read (and write) of {@code from} in the remaining nodes becomes {@code to}. */
    private static void rename(List<OnnxMl.NodeProto> nodes, String from, String to) {
        for (int i = 0; i < nodes.size(); i++) {
            OnnxMl.NodeProto n = nodes.get(i);
            if (n == null || !n.getInputList().contains(from) && !n.getOutputList().contains(from)) {
                continue;
            }
            OnnxMl.NodeProto.Builder b = n.toBuilder();
            for (int k = 0; k < n.getInputCount(); k++) {
                if (n.getInput(k).equals(from)) {
                    b.setInput(k, to);
                }
            }
            for (int k = 0; k < n.getOutputCount(); k++) {
                if (n.getOutput(k).equals(from)) {
                    b.setOutput(k, to);
                }
            }
            nodes.set(i, b.build());
        }
    }
}
