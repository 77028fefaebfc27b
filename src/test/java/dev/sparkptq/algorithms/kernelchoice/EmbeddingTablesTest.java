package dev.sparkptq.algorithms.kernelchoice;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.model;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale layout chosen per table by its SQNR (cheapest within the tolerance); per-row table scales on a 256-level
 * grid, stored as a byte per row, decoded by a subgraph ORT folds at load.
 */
class EmbeddingTablesTest {
    private static final int ROWS = 2000;
    private static final int COLS = 8;

    /** A vocabulary-like table: rows of very different norms (row max spanning ~10×), one all-zero row. */
    private static Tensor vocabulary() {
        Random r = new Random(11);
        float[] v = new float[ROWS * COLS];
        for (int i = 0; i < ROWS; i++) {
            double norm = Math.exp(r.nextDouble() * Math.log(10)) * 0.04;
            for (int c = 0; c < COLS; c++) {
                v[i * COLS + c] = i == 5 ? 0 : (float) ((2 * r.nextDouble() - 1) * norm);
            }
        }
        return Tensor.ofFloats(new long[] {ROWS, COLS}, v);
    }

    private static OnnxMl.ModelProto gather(Tensor table) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("vocab")
                .addInput(TinyModels.info("ids", OnnxMl.TensorProto.DataType.INT64_VALUE, 6))
                .addOutput(floatInfo("y", 6, COLS)).addInitializer(TensorProtos.fromTensor("table", table))
                .addNode(node("Gather", "gather", List.of("table", "ids"), List.of("y")));
        return model(13, g);
    }

    @Test
    void scalesGoUpToTheNextOf256GeometricLevelsAndOnlyWhenTheLevelsAreFine() {
        float[] exact = new float[ROWS];
        Random r = new Random(2);
        for (int i = 0; i < ROWS; i++) {
            exact[i] = (float) (0.001 * Math.exp(r.nextDouble() * Math.log(40)));
        }
        float[] grid = EmbeddingTables.scaleGrid(exact);
        long distinct = java.util.stream.IntStream.range(0, ROWS).mapToDouble(i -> grid[i]).distinct().count();
        assertTrue(distinct <= EmbeddingTables.SCALE_LEVELS, "distinct " + distinct);
        for (int i = 0; i < ROWS; i++) {
            assertTrue(grid[i] >= exact[i], "never rounded down (no clipping)");
            assertTrue(grid[i] <= exact[i] * EmbeddingTables.MAX_LEVEL_RATIO * 1.0001, exact[i] + " -> " + grid[i]);
        }
        float[] wide = exact.clone();
        wide[0] = 1e-9f; // a 10^7 range: 256 levels would be 6.5 % apart
        assertArrayEquals(wide, EmbeddingTables.scaleGrid(wide), "left exact");
        float[] few = java.util.Arrays.copyOf(exact, 100);
        assertArrayEquals(few, EmbeddingTables.scaleGrid(few), "a table of 256 rows or fewer keeps float scales");
    }

    @Test
    void codedScalesAreStoredAsAByteAndOnnxRuntimeFoldsTheirDecoding(@TempDir Path dir) {
        Tensor table = vocabulary();
        OnnxMl.ModelProto m = gather(table);
        EmbeddingTables.Plan plan = EmbeddingTables.plan(ModelGraph.of(m), Set.of());
        GraphEdit.CompressTable edit = (GraphEdit.CompressTable) plan.edits().get(0);
        assertEquals("per_row", plan.tables().get(0).scales(), "rows of 10x different ranges keep their own scales");
        assertTrue(edit.codedScales());
        assertEquals(ROWS * COLS + ROWS + 4L * edit.distinctScales().length, plan.tables().get(0).storedBytes());
        OnnxMl.ModelProto q = GraphRewriter.apply(m, plan.edits());
        Map<String, OnnxMl.TensorProto> inits = new java.util.TreeMap<>();
        q.getGraph().getInitializerList().forEach(t -> inits.put(t.getName(), t));
        assertEquals(OnnxMl.TensorProto.DataType.UINT8_VALUE, inits.get("table_row_scale_codes").getDataType());
        assertEquals(List.of((long) ROWS, 1L), inits.get("table_row_scale_codes").getDimsList());
        assertFalse(inits.containsKey("table_row_scale") || inits.containsKey("table"), inits.keySet().toString());
        long[] ids = {0, 5, 1999, 17, 17, 1024};
        float[] got = run(q, Tensor.ofLongs(new long[] {6}, ids));
        float[] t = table.floats();
        byte[] qt = edit.table().bytes();
        float[] s = edit.scale().floats();
        for (int i = 0; i < ids.length; i++) {
            int row = (int) ids[i];
            for (int c = 0; c < COLS; c++) {
                assertEquals(qt[row * COLS + c] * s[row], got[i * COLS + c], 0f, "exactly the row's level");
                assertEquals(t[row * COLS + c], got[i * COLS + c], s[row] / 2 + 1e-7f);
            }
        }
        byte[] bytes = ModelIo.toBytes(q);
        Path opt = dir.resolve("opt.onnx");
        OrtEngineFactory.optimizedModel(ModelBlob.ofBytes(ModelIo.sha256(bytes), bytes), opt);
        List<OnnxMl.NodeProto> nodes = ModelIo.load(opt).getGraph().getNodeList();
        assertTrue(nodes.stream().noneMatch(n -> n.getInputList().contains("table_row_scale_codes")),
                "the decoding is folded at load: " + nodes.stream().map(OnnxMl.NodeProto::getOpType).toList());
        assertEquals(DType.INT8, edit.table().dtype());
    }

    /** Rows alike, columns of ranges 10x apart (a position-like table): one scale per column, one DequantizeLinear. */
    @Test
    void aTableWhoseColumnsDifferTakesPerColumnScalesAndRunsAsGatherThenDequantizeLinear(@TempDir Path dir) {
        Random r = new Random(5);
        float[] v = new float[ROWS * COLS];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((2 * r.nextDouble() - 1) * 0.05 * Math.pow(10, (i % COLS) / (COLS - 1.0)));
        }
        Tensor table = Tensor.ofFloats(new long[] {ROWS, COLS}, v);
        EmbeddingTables.Choice row = EmbeddingTables.perRow(table);
        EmbeddingTables.Choice col = EmbeddingTables.perColumn(table);
        assertTrue(col.sqnrDb() > row.sqnrDb(), col.sqnrDb() + " vs per row " + row.sqnrDb());
        EmbeddingTables.Plan plan = EmbeddingTables.plan(ModelGraph.of(gather(table)), Set.of());
        assertEquals("per_column", plan.tables().get(0).scales());
        assertEquals(ROWS * COLS + 4L * COLS, plan.tables().get(0).storedBytes());
        OnnxMl.ModelProto q = GraphRewriter.apply(gather(table), plan.edits());
        long[] ids = {0, 1999, 7, 7, 300, 42};
        float[] got = run(q, Tensor.ofLongs(new long[] {6}, ids));
        float[] s = col.scale().floats();
        for (int i = 0; i < ids.length; i++) {
            for (int c = 0; c < COLS; c++) {
                int at = (int) ids[i] * COLS + c;
                assertEquals(col.table().bytes()[at] * s[c], got[i * COLS + c], 1e-7f);
                assertEquals(v[at], got[i * COLS + c], s[c] / 2 + 1e-7f);
            }
        }
        assertEquals(List.of("Gather", "DequantizeLinear"), optimizedOps(q, dir));
        OnnxMl.ModelProto old = gather(table).toBuilder().clearOpsetImport().addOpsetImport(
                OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(11)).build();
        assertEquals("per_row", EmbeddingTables.plan(ModelGraph.of(old), Set.of()).tables().get(0).scales(),
                "below opset 13 DequantizeLinear has no per-axis scale");
    }

    /** Rows and columns alike, every row and column reaching the same peak: one scale for the table. */
    @Test
    void aTableOfAlikeValuesTakesOneScale(@TempDir Path dir) {
        int rows = 64;
        float[] v = new float[rows * COLS];
        Random r = new Random(8);
        for (int i = 0; i < v.length; i++) {
            v[i] = (i / COLS) % COLS == i % COLS ? 0.36f : (float) (0.36 * (2 * r.nextDouble() - 1));
        }
        Tensor table = Tensor.ofFloats(new long[] {rows, COLS}, v);
        EmbeddingTables.Choice one = EmbeddingTables.choose(table, true);
        assertEquals(EmbeddingTables.Layout.PER_TENSOR, one.layout());
        assertEquals(0, one.scale().rank());
        assertTrue(one.sqnrDb() >= EmbeddingTables.perRow(table).sqnrDb() - EmbeddingTables.TOLERANCE_DB);
        OnnxMl.ModelProto q = GraphRewriter.apply(gather(table), EmbeddingTables.plan(ModelGraph.of(gather(table)),
                Set.of()).edits());
        float[] got = run(q, Tensor.ofLongs(new long[] {6}, new long[] {0, 1, 63, 0, 0, 1}));
        float s = one.scale().floats()[0];
        for (int c = 0; c < COLS; c++) {
            assertEquals(v[COLS + c], got[COLS + c], s / 2 + 1e-7f);
            assertEquals(one.table().bytes()[c] * s, got[c], 1e-7f);
        }
        assertEquals(List.of("Gather", "DequantizeLinear"), optimizedOps(q, dir));
    }

    private static List<String> optimizedOps(OnnxMl.ModelProto m, Path dir) {
        byte[] bytes = ModelIo.toBytes(m);
        Path opt = dir.resolve("opt.onnx");
        OrtEngineFactory.optimizedModel(ModelBlob.ofBytes(ModelIo.sha256(bytes), bytes), opt);
        return ModelIo.load(opt).getGraph().getNodeList().stream().map(OnnxMl.NodeProto::getOpType).toList();
    }

    private static float[] run(OnnxMl.ModelProto m, Tensor ids) {
        byte[] bytes = ModelIo.toBytes(m);
        OrtEngineFactory f = new OrtEngineFactory();
        ModelBlob blob = ModelBlob.ofBytes(ModelIo.sha256(bytes), bytes);
        try {
            return f.open(blob, EngineOptions.forInference(1)).run(Map.of("ids", ids), List.of("y")).get("y")
                    .floats();
        } finally {
            f.evict(blob.digest());
        }
    }
}
