package dev.sparkptq.algorithms.kernelchoice;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.QuantMath;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.edit.GraphEdit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds embedding tables and plans their int8 storage. A table qualifies when a Gather reads it along axis 0 as its
 * data input, it is a float initializer of rank 2, nothing else reads it (a table shared with, e.g., a tied output
 * projection would be stored twice), and the node is not ignored. Scales are per column (the hidden axis, so a
 * dimension with large values does not cost the others their resolution), symmetric over levels −127..127; below
 * opset 13 (no per-axis DequantizeLinear) one scale for the table.
 */
public final class EmbeddingTables {
    private EmbeddingTables() {
    }

    /**
     * One compressed table, for the report.
     *
     * @param node        the Gather
     * @param table       the initializer
     * @param shape       its shape
     * @param perColumn   per-column scales (else one per table)
     * @param floatBytes  FP32 size
     * @param storedBytes int8 size plus scales
     */
    public record Compressed(String node, String table, long[] shape, boolean perColumn, long floatBytes,
                             long storedBytes) implements Serializable {
    }

    /** The planned edits and what they compress. */
    public record Plan(List<GraphEdit> edits, List<Compressed> tables) {
        public Plan {
            edits = List.copyOf(edits);
            tables = List.copyOf(tables);
        }
    }

    /**
     * @param ignoredNodes node names the config leaves in float
     */
    public static Plan plan(ModelGraph graph, Set<String> ignoredNodes) {
        List<GraphEdit> edits = new ArrayList<>();
        List<Compressed> tables = new ArrayList<>();
        boolean perColumn = graph.opset() >= 13;
        for (Node n : graph.nodes()) {
            if (!n.opType().equals("Gather") || !n.isDefaultDomain() || n.intAttr("axis", 0) != 0
                    || ignoredNodes.contains(n.name())) {
                continue;
            }
            String t = n.inputs().get(0);
            if (!graph.isInitializer(t) || graph.consumers(t).size() != 1 || graph.isGraphOutput(t)) {
                continue;
            }
            Tensor table = graph.constantValue(t).orElse(null);
            if (table == null || table.dtype() != DType.FLOAT || table.rank() != 2) {
                continue;
            }
            Tensor[] q = quantize(table, perColumn);
            edits.add(new GraphEdit.CompressTable(n.name(), q[0], q[1]));
            tables.add(new Compressed(n.name(), t, table.shape(), perColumn, table.numel() * 4,
                    table.numel() + q[1].numel() * 4));
        }
        return new Plan(edits, tables);
    }

    /** {int8 table, scale}: {@code s_h = max_v |T[v, h]| / 127} (1 for an all-zero column). */
    static Tensor[] quantize(Tensor table, boolean perColumn) {
        float[] v = table.toFloats();
        int cols = (int) table.dim(1);
        int groups = perColumn ? cols : 1;
        float[] max = new float[groups];
        for (int i = 0; i < v.length; i++) {
            int c = perColumn ? i % cols : 0;
            max[c] = Math.max(max[c], Math.abs(v[i]));
        }
        float[] scale = new float[groups];
        for (int c = 0; c < groups; c++) {
            scale[c] = max[c] > 0 && Float.isFinite(max[c]) ? max[c] / 127f : 1f;
        }
        byte[] q = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            int c = perColumn ? i % cols : 0;
            q[i] = (byte) QuantMath.quantize(v[i], scale[c], 0, -127, 127);
        }
        Tensor s = perColumn ? Tensor.ofFloats(new long[] {cols}, scale) : Tensor.ofFloats(new long[0], scale);
        return new Tensor[] {Tensor.ofBytes(DType.INT8, table.shape(), q), s};
    }
}
