package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.Subgraphs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reports what stays in float whatever the plan: control-flow nodes ({@code If}, {@code Loop}, {@code Scan}, with
 * everything inside their subgraphs) and recurrent ops ({@code LSTM}, {@code GRU}, {@code RNN}). The model is not
 * changed: the planner quantizes only top-level ops and never a weight a subgraph reads, and the graph edits keep
 * every value a subgraph reads, so outer-scope weights stay exactly as they were.
 */
final class FloatRegions implements PreparationStep {
    static final String NAME = "float_regions";
    private static final Set<String> CONTROL_FLOW = Set.of("If", "Loop", "Scan");
    private static final Set<String> RECURRENT = Set.of("LSTM", "GRU", "RNN");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result apply(OnnxMl.ModelProto model) {
        Map<String, Integer> top = new TreeMap<>();
        Map<String, Integer> inside = new TreeMap<>();
        List<String> names = new ArrayList<>();
        Set<String> outer = outerNames(model.getGraph());
        Set<String> outerReads = new java.util.HashSet<>();
        for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
            boolean control = CONTROL_FLOW.contains(n.getOpType()) || Subgraphs.hasSubgraph(n);
            if (!control && !RECURRENT.contains(n.getOpType())) {
                continue;
            }
            top.merge(n.getOpType(), 1, Integer::sum);
            names.add(n.getName());
            if (control) {
                Subgraphs.referencedNames(n).stream().filter(outer::contains).forEach(outerReads::add);
                countInside(n, inside);
            }
        }
        if (names.isEmpty()) {
            return new Result(model, StepRecord.none(NAME, "no control flow or recurrent op"));
        }
        String summary = describe(top) + " left in float" + (inside.isEmpty() ? "" : "; inside their subgraphs: "
                + describe(inside)) + (outerReads.isEmpty() ? "" : "; the " + outerReads.size() + " outer-scope values "
                + "the subgraphs read are left untouched");
        return new Result(model, new StepRecord(NAME, names.size(), summary, names));
    }

    /** Values of the main graph: what a subgraph can read from its outer scope. */
    private static Set<String> outerNames(OnnxMl.GraphProto g) {
        Set<String> out = new java.util.HashSet<>();
        g.getInitializerList().forEach(t -> out.add(t.getName()));
        g.getInputList().forEach(v -> out.add(v.getName()));
        g.getNodeList().forEach(n -> out.addAll(n.getOutputList()));
        return out;
    }

    private static void countInside(OnnxMl.NodeProto n, Map<String, Integer> counts) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            List<OnnxMl.GraphProto> graphs = new ArrayList<>(a.getGraphsList());
            if (a.hasG()) {
                graphs.add(a.getG());
            }
            for (OnnxMl.GraphProto g : graphs) {
                for (OnnxMl.NodeProto inner : g.getNodeList()) {
                    counts.merge(inner.getOpType(), 1, Integer::sum);
                    countInside(inner, counts);
                }
            }
        }
    }

    private static String describe(Map<String, Integer> counts) {
        List<String> parts = new ArrayList<>();
        counts.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue() != 0 ? y.getValue() - x.getValue()
                : x.getKey().compareTo(y.getKey())).limit(8).forEach(e -> parts.add(e.getValue() + " " + e.getKey()));
        int more = counts.size() - parts.size();
        return String.join(", ", parts) + (more > 0 ? " and " + more + " other op types" : "");
    }
}
