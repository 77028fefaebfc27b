package dev.sparkptq.data;

import dev.sparkptq.config.LabelSpec;
import dev.sparkptq.config.NpyReaderSpec;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.sparkptq.data.TestData.input;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyDataSourceTest {
    @TempDir
    Path dir;

    private static final TensorInfo X = input("x", DType.FLOAT, 1, 2, 2);

    private static NpyReaderSpec perFile(Map<String, String> inputs, LabelSpec labels) {
        return new NpyReaderSpec(inputs, false, labels);
    }

    private static NpyReaderSpec batched(Map<String, String> inputs, LabelSpec labels) {
        return new NpyReaderSpec(inputs, true, labels);
    }

    private static double[] seq(int n, double start) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = start + i;
        }
        return v;
    }

    @Test
    void perFileSamplesGetABatchAxisAndTheModelsElementType() {
        Npy.write(dir.resolve("b.npy"), Tensor.ofDoubles(new long[] {2, 2}, seq(4, 10)));
        Npy.write(dir.resolve("a.npy"), Tensor.ofDoubles(new long[] {2, 2}, seq(4, 0)));
        DataSource ds = DataSources.create(perFile(Map.of(), null), dir, List.of(X));
        List<SampleRef> refs = ds.list();
        assertEquals(List.of("a.npy", "b.npy"), refs.stream().map(r -> r.id().value()).toList());
        Tensor t = ds.load(refs.get(1)).inputs().get("x");
        assertEquals(DType.FLOAT, t.dtype());
        assertArrayEquals(new long[] {1, 2, 2}, t.shape());
        assertArrayEquals(new float[] {10, 11, 12, 13}, t.floats());
    }

    @Test
    void multipleInputsPairFilesOfTheSameNameAcrossSubFolders() throws IOException {
        Files.createDirectories(dir.resolve("ids"));
        Files.createDirectories(dir.resolve("mask"));
        Npy.write(dir.resolve("ids/s1.npy"), Tensor.ofInts(new long[] {1, 3}, new int[] {101, 7, 102}));
        Npy.write(dir.resolve("mask/s1.npy"), Tensor.ofInts(new long[] {1, 3}, new int[] {1, 1, 1}));
        List<TensorInfo> model = List.of(input("input_ids", DType.INT64, 1, -1),
                input("attention_mask", DType.INT64, 1, -1));
        DataSource ds = DataSources.create(perFile(Map.of("input_ids", "ids", "attention_mask", "mask"), null),
                dir, model);
        Sample s = ds.load(ds.list().get(0));
        assertArrayEquals(new long[] {101, 7, 102}, s.inputs().get("input_ids").longs());
        assertArrayEquals(new long[] {1, 1, 1}, s.inputs().get("attention_mask").longs());
    }

    @Test
    void aFileMissingInOneSubFolderIsNamed() throws IOException {
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        Npy.write(dir.resolve("a/s1.npy"), Tensor.ofFloats(new long[] {2, 2}, new float[4]));
        Npy.write(dir.resolve("a/s2.npy"), Tensor.ofFloats(new long[] {2, 2}, new float[4]));
        Npy.write(dir.resolve("b/s1.npy"), Tensor.ofFloats(new long[] {2, 2}, new float[4]));
        DataSource ds = DataSources.create(perFile(Map.of("x", "a", "y", "b"), null), dir,
                List.of(X, input("y", DType.FLOAT, 1, 2, 2)));
        DataException e = assertThrows(DataException.class, ds::list);
        assertTrue(e.getMessage().contains("s2.npy") && e.getMessage().contains("'y'"), e.getMessage());
    }

    @Test
    void modelInputWithoutDataFailsAtCreate() throws IOException {
        Files.createDirectories(dir.resolve("a"));
        DataException e = assertThrows(DataException.class, () -> DataSources.create(
                perFile(Map.of("x", "a"), null), dir, List.of(X, input("y", DType.FLOAT, 1, 2))));
        assertTrue(e.getMessage().contains("'y'"), e.getMessage());
    }

    @Test
    void batchedFileYieldsOneSamplePerRowWithSortableIds() {
        Path file = dir.resolve("calib.npy");
        Npy.write(file, Tensor.ofFloats(new long[] {12, 2, 2}, floats(48)));
        DataSource ds = DataSources.create(batched(Map.of(), null), file, List.of(X));
        List<SampleRef> refs = ds.list();
        assertEquals(12, refs.size());
        assertEquals("calib.npy#00", refs.get(0).id().value());
        assertEquals("calib.npy#11", refs.get(11).id().value());
        assertTrue(refs.get(2).id().compareTo(refs.get(10).id()) < 0, "ids sort in row order");
        Tensor t = ds.load(refs.get(10)).inputs().get("x");
        assertArrayEquals(new long[] {1, 2, 2}, t.shape());
        assertArrayEquals(new float[] {40, 41, 42, 43}, t.floats());
    }

    private static float[] floats(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return v;
    }

    @Test
    void npyLabelFileIsAlignedWithRowsAndItsLengthIsChecked() {
        Npy.write(dir.resolve("data.npy"), Tensor.ofFloats(new long[] {3, 2, 2}, floats(12)));
        Npy.write(dir.resolve("labels.npy"), Tensor.ofLongs(new long[] {3}, new long[] {4, 0, 9}));
        Npy.write(dir.resolve("short.npy"), Tensor.ofInts(new long[] {2}, new int[] {4, 0}));
        DataSource ds = DataSources.create(batched(Map.of("x", "data.npy"),
                new LabelSpec(LabelSpec.Source.NPY_FILE, null, null, dir.resolve("labels.npy"))), dir, List.of(X));
        assertEquals(List.of(4, 0, 9), ds.list().stream().map(SampleRef::label).toList());
        assertEquals(9, ds.load(ds.list().get(2)).label());
        DataSource bad = DataSources.create(batched(Map.of("x", "data.npy"),
                new LabelSpec(LabelSpec.Source.NPY_FILE, null, null, dir.resolve("short.npy"))), dir, List.of(X));
        DataException e = assertThrows(DataException.class, bad::list);
        assertTrue(e.getMessage().contains("2 labels") && e.getMessage().contains("3 samples"), e.getMessage());
    }

    @Test
    void filenamePrefixLabelsWorkForOneFilePerSample() {
        Npy.write(dir.resolve("3_a.npy"), Tensor.ofFloats(new long[] {1, 2, 2}, new float[4]));
        DataSource ds = DataSources.create(perFile(Map.of(),
                new LabelSpec(LabelSpec.Source.FILENAME_PREFIX, null, null, null)), dir, List.of(X));
        assertEquals(3, ds.list().get(0).label());
    }

    @Test
    void shapeMismatchNamesSampleAndShapes() {
        Npy.write(dir.resolve("s.npy"), Tensor.ofFloats(new long[] {3, 2}, new float[6]));
        DataSource ds = DataSources.create(perFile(Map.of(), null), dir, List.of(X));
        DataException e = assertThrows(DataException.class, () -> ds.load(ds.list().get(0)));
        assertTrue(e.getMessage().contains("'s.npy'") && e.getMessage().contains("[1, 3, 2]")
                && e.getMessage().contains("[1, 2, 2]"), e.getMessage());
    }

    @Test
    void floatDataForAnIntegerInputIsRefusedButIntegersWidenAndNarrowInRange() {
        Npy.write(dir.resolve("f.npy"), Tensor.ofFloats(new long[] {1, 2}, new float[] {1, 2}));
        DataSource ds = DataSources.create(perFile(Map.of(), null), dir, List.of(input("ids", DType.INT64, 1, 2)));
        assertThrows(DataException.class, () -> ds.load(ds.list().get(0)));
        assertArrayEquals(new int[] {5, -6}, Tensors.convert(Tensor.ofLongs(new long[] {2}, new long[] {5, -6}),
                DType.INT32, "t").ints());
        assertThrows(DataException.class, () -> Tensors.convert(Tensor.ofLongs(new long[] {1},
                new long[] {1L << 40}), DType.INT32, "t"));
    }

    @Test
    void batchedLayoutNeedsAFileAndPerFileLayoutAFolder() {
        Path file = dir.resolve("one.npy");
        Npy.write(file, Tensor.ofFloats(new long[] {1, 2, 2}, new float[4]));
        assertThrows(DataException.class, () -> DataSources.create(batched(Map.of(), null), dir, List.of(X)));
        assertThrows(DataException.class, () -> DataSources.create(perFile(Map.of(), null), file, List.of(X)));
        assertThrows(DataException.class, () -> DataSources.create(perFile(Map.of(), null), dir.resolve("none"),
                List.of(X)));
    }

    @Test
    void survivesJavaSerialization() {
        Path file = dir.resolve("calib.npy");
        Npy.write(file, Tensor.ofFloats(new long[] {2, 2, 2}, floats(8)));
        Npy.write(dir.resolve("labels.npy"), Tensor.ofLongs(new long[] {2}, new long[] {1, 2}));
        DataSource ds = TestData.roundTrip(DataSources.create(batched(Map.of("x", "calib.npy"),
                new LabelSpec(LabelSpec.Source.NPY_FILE, null, null, dir.resolve("labels.npy"))), dir, List.of(X)));
        SampleRef ref = ds.list().get(1);
        assertEquals(2, ref.label());
        assertArrayEquals(new float[] {4, 5, 6, 7}, ds.load(ref).inputs().get("x").floats());
    }
}
