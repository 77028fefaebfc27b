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
 * projection would be stored twice), and the node is not ignored. Symmetric over levels −127..127, with the scale
 * layout chosen per table ({@link Layout}) by the table's own quantization SQNR: the layout cheapest at run time
 * among those within {@link #TOLERANCE_DB} of the best. A per-tensor or per-column scale is one DequantizeLinear
 * after the Gather; per-row scales (each token's vector keeps its own resolution — a per-column scale is set by the
 * largest value of that dimension over the whole vocabulary, which cost all-MiniLM-L6-v2 three times the Spearman
 * drop on STS-B) take a second Gather of the scales, a Cast and a Mul, the scales on a 256-level grid
 * ({@link #scaleGrid}). On BERT-family exports the word table comes out per row (3.7 dB better), the position table
 * per column (its rows differ up to 30× in range but its columns do not) and the token-type table per column.
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
            Choice c = choose(table, graph.opset() >= PER_COLUMN_OPSET);
            GraphEdit.CompressTable edit = new GraphEdit.CompressTable(n.name(), c.table(), c.scale());
            edits.add(edit);
            long scaleBytes = edit.codedScales() ? c.scale().numel() + 4L * edit.distinctScales().length
                    : c.scale().numel() * 4;
            tables.add(new Compressed(n.name(), t, table.shape(), c.layout().label(), table.numel() * 4,
                    table.numel() + scaleBytes));
        }
        return new Plan(edits, tables);
    }

    /** How a table's scales are laid out, cheapest at run time first. */
    enum Layout {
        /** One scale: Gather then DequantizeLinear. */
        PER_TENSOR("per_tensor"),
        /** One scale per column (the embedding dimension): Gather then DequantizeLinear along the last axis. */
        PER_COLUMN("per_column"),
        /** One scale per row: two Gathers, a Cast and a Mul. */
        PER_ROW("per_row");

        private final String label;

        Layout(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    /** A cheaper layout is taken when its table SQNR is at most this far below the best layout's. */
    static final double TOLERANCE_DB = 0.5;

    /** One layout's int8 table, its scale and the table's SQNR (dB) after the round trip. */
    record Choice(Layout layout, Tensor table, Tensor scale, double sqnrDb) {
    }

    /** DequantizeLinear takes a per-axis scale from this opset on. */
    static final int PER_COLUMN_OPSET = 13;

    /** The cheapest layout within {@link #TOLERANCE_DB} of the most faithful one (per column only if allowed). */
    static Choice choose(Tensor table, boolean perColumnAllowed) {
        List<Choice> all = perColumnAllowed ? List.of(perTensor(table), perColumn(table), perRow(table))
                : List.of(perTensor(table), perRow(table));
        double best = all.stream().mapToDouble(Choice::sqnrDb).max().orElseThrow();
        return all.stream().filter(c -> c.sqnrDb() >= best - TOLERANCE_DB).findFirst().orElseThrow();
    }

    static Choice perRow(Tensor table) {
        Tensor[] q = quantize(table);
        return new Choice(Layout.PER_ROW, q[0], q[1], sqnr(table, q[0], q[1].floats(), (int) table.dim(1), true));
    }

    static Choice perTensor(Tensor table) {
        float max = 0;
        for (float x : table.toFloats()) {
            max = Float.isFinite(x) ? Math.max(max, Math.abs(x)) : max;
        }
        float[] s = {max > 0 ? max / 127f : 1f};
        Tensor q = quantizeColumns(table, new float[] {s[0]}, true);
        return new Choice(Layout.PER_TENSOR, q, Tensor.ofFloats(new long[0], s), sqnr(table, q, s, 1, false));
    }

    static Choice perColumn(Tensor table) {
        float[] v = table.toFloats();
        int cols = (int) table.dim(1);
        float[] s = new float[cols];
        for (int i = 0; i < v.length; i++) {
            s[i % cols] = Float.isFinite(v[i]) ? Math.max(s[i % cols], Math.abs(v[i])) : s[i % cols];
        }
        for (int c = 0; c < cols; c++) {
            s[c] = s[c] > 0 ? s[c] / 127f : 1f;
        }
        Tensor q = quantizeColumns(table, s, false);
        return new Choice(Layout.PER_COLUMN, q, Tensor.ofFloats(new long[] {cols}, s), sqnr(table, q, s, cols, false));
    }

    /** The table in int8 with {@code scale[c]} for column c (or {@code scale[0]} for all when {@code one}). */
    private static Tensor quantizeColumns(Tensor table, float[] scale, boolean one) {
        float[] v = table.toFloats();
        int cols = (int) table.dim(1);
        byte[] q = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            q[i] = (byte) QuantMath.quantize(v[i], scale[one ? 0 : i % cols], 0, -127, 127);
        }
        return Tensor.ofBytes(DType.INT8, table.shape(), q);
    }

    /**
     * {@code 10·log10(Σx² / Σ(x − s·q)²)} of the table; the scale of entry i is {@code scale[i / cols]} per row,
     * else {@code scale[i % cols]} ({@code cols = 1}: one scale). An exact round trip counts as 300 dB.
     */
    static double sqnr(Tensor table, Tensor q, float[] scale, int cols, boolean perRow) {
        float[] v = table.toFloats();
        byte[] b = q.bytes();
        int width = (int) table.dim(1);
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < v.length; i++) {
            float s = perRow ? scale[i / width] : scale[cols == 1 ? 0 : i % cols];
            double e = v[i] - b[i] * (double) s;
            signal += (double) v[i] * v[i];
            noise += e * e;
        }
        return noise == 0 ? 300 : 10 * Math.log10(signal / noise);
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
