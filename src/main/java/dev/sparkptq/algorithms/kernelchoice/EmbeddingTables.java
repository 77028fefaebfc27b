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
 * projection would be stored twice), and the node is not ignored. Scales are per row (each token's vector keeps
 * its own resolution: a per-column scale is set by the largest value of that dimension over the whole vocabulary,
 * which cost all-MiniLM-L6-v2 three times the Spearman drop on STS-B), symmetric over levels −127..127, the scales
 * themselves on a 256-level grid ({@link #scaleGrid}); the rows and their scales are gathered by the same ids and
 * multiplied back after a Cast.
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
     * @param scales      how the scales are laid out ({@code per_row})
     * @param floatBytes  FP32 size
     * @param storedBytes int8 size plus scales
     */
    public record Compressed(String node, String table, long[] shape, String scales, long floatBytes,
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
            Tensor[] q = quantize(table);
            GraphEdit.CompressTable edit = new GraphEdit.CompressTable(n.name(), q[0], q[1]);
            edits.add(edit);
            long scaleBytes = edit.codedScales() ? q[1].numel() + 4L * edit.distinctScales().length
                    : q[1].numel() * 4;
            tables.add(new Compressed(n.name(), t, table.shape(), "per_row", table.numel() * 4,
                    table.numel() + scaleBytes));
        }
        return new Plan(edits, tables);
    }

    /**
     * {int8 table, scale [rows, 1]}: {@code s_v ≥ max_h |T[v, h]| / 127} (an all-zero row takes the smallest), on
     * a grid of at most {@link #SCALE_LEVELS} geometric levels (see {@link #scaleGrid}) so that the rewrite stores
     * one byte per row.
     */
    static Tensor[] quantize(Tensor table) {
        float[] v = table.toFloats();
        int rows = (int) table.dim(0);
        int cols = (int) table.dim(1);
        float[] scale = new float[rows];
        for (int r = 0; r < rows; r++) {
            float max = 0;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, Math.abs(v[r * cols + c]));
            }
            scale[r] = max > 0 && Float.isFinite(max) ? max / 127f : 0f;
        }
        float smallest = Float.MAX_VALUE;
        for (float x : scale) {
            smallest = x > 0 ? Math.min(smallest, x) : smallest;
        }
        for (int r = 0; r < rows; r++) {
            // an all-zero row quantizes to zeros at any scale: the smallest keeps the scale range (and grid) tight
            scale[r] = scale[r] > 0 ? scale[r] : smallest < Float.MAX_VALUE ? smallest : 1f;
        }
        scale = scaleGrid(scale);
        byte[] q = new byte[v.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                q[r * cols + c] = (byte) QuantMath.quantize(v[r * cols + c], scale[r], 0, -127, 127);
            }
        }
        return new Tensor[] {Tensor.ofBytes(DType.INT8, table.shape(), q), Tensor.ofFloats(new long[] {rows, 1}, scale)};
    }

    /** Levels of the per-row scale grid: one byte per row. */
    static final int SCALE_LEVELS = 256;
    /** The grid is used only when neighbouring levels are at most this ratio apart (a row's step ≤ 1.5 % coarser). */
    static final double MAX_LEVEL_RATIO = 1.015;

    /**
     * Each scale rounded up to the next of {@link #SCALE_LEVELS} geometric levels from the smallest scale to the
     * largest (never down: no row value is clipped), so the table's scales take at most 256 distinct values and the
     * rewrite stores a byte per row and a 256-entry table instead of a float per row (all-MiniLM-L6-v2: 122 KB →
     * 31 KB). Left exact when the table has at most 256 rows (its scales already take at most 256 values) or when
     * the scales span too wide a range for levels at most {@link #MAX_LEVEL_RATIO} apart.
     */
    static float[] scaleGrid(float[] scale) {
        float lo = Float.MAX_VALUE;
        float hi = 0;
        for (float s : scale) {
            lo = Math.min(lo, s);
            hi = Math.max(hi, s);
        }
        double ratio = Math.pow((double) hi / lo, 1.0 / (SCALE_LEVELS - 1));
        if (scale.length <= SCALE_LEVELS || ratio > MAX_LEVEL_RATIO) {
            return scale;
        }
        float[] level = new float[SCALE_LEVELS];
        for (int k = 0; k < SCALE_LEVELS; k++) {
            level[k] = (float) (lo * Math.pow(ratio, k));
        }
        level[0] = lo;
        level[SCALE_LEVELS - 1] = hi;
        float[] out = new float[scale.length];
        for (int r = 0; r < scale.length; r++) {
            int k = (int) Math.max(0, Math.min(SCALE_LEVELS - 1, Math.floor(Math.log(scale[r] / lo) / Math.log(ratio))));
            while (level[k] < scale[r]) {
                k++;
            }
            out[r] = level[k];
        }
        return out;
    }
}
