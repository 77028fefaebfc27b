package dev.sparkptq.spark;

import dev.sparkptq.config.JsonArrayReaderSpec;
import dev.sparkptq.config.LabelSpec;
import dev.sparkptq.config.NpyReaderSpec;
import dev.sparkptq.config.ReaderSpec;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Location;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.DataSources;
import dev.sparkptq.data.Npy;
import dev.sparkptq.data.Sample;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.storage.MiniHdfs;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sample files in a real HDFS (in this JVM) read through Spark's binaryFile source: a two-input NPY layout (one
 * sub-folder per input, labels from the file names) and a single JSON file give, sample by sample, the ids, labels
 * and values of the same files read locally, whether decoded in the partitions' tasks or loaded one by one; the
 * layouts that cannot be read that way are refused before any job.
 */
class BinaryFileSourceHdfsTest {
    private static final List<TensorInfo> TWO_INPUTS = List.of(new TensorInfo("a", DType.FLOAT, new long[]{1, 2, 3}),
            new TensorInfo("b", DType.INT64, new long[]{1, 4}));

    @TempDir
    Path tmp;

    @Test
    void aTwoInputNpyLayoutInHdfsGivesTheLocalSamples() throws Exception {
        Path data = tmp.resolve("pairs");
        for (int i = 0; i < 7; i++) {
            String name = (i % 3) + "_s" + i + ".npy";
            Npy.write(Files.createDirectories(data.resolve("xa")).resolve(name),
                    Tensor.ofFloats(new long[]{2, 3}, new float[]{i, -i, 0.5f * i, 1, 2, 3}));
            Npy.write(Files.createDirectories(data.resolve("xb")).resolve(name),
                    Tensor.of(DType.INT32, new long[]{4}, new int[]{i, i + 1, i + 2, i + 3})); // converted to INT64
        }
        NpyReaderSpec spec = new NpyReaderSpec(Map.of("a", "xa", "b", "xb"), false,
                new LabelSpec(LabelSpec.Source.FILENAME_PREFIX, null, "_", null));
        Location hdfs = MiniHdfs.folder("pairs");
        MiniHdfs.put(data, hdfs.child("pairs"));
        assertSameSamples(spec, data, hdfs.child("pairs"), TWO_INPUTS, 7);

        Files.delete(data.resolve("xb/1_s4.npy"));
        MiniHdfs.fs().delete(new org.apache.hadoop.fs.Path(hdfs.child("pairs").child("xb").child("1_s4.npy").uri()),
                false);
        DataException e = assertThrows(DataException.class, () -> remote(spec, hdfs.child("pairs"), TWO_INPUTS));
        assertTrue(e.getMessage().contains("1_s4.npy") && e.getMessage().contains("input 'b'"), e.getMessage());
    }

    @Test
    void aJsonFileInHdfsGivesTheLocalSamples() throws Exception {
        Path file = Files.writeString(Files.createDirectories(tmp.resolve("json")).resolve("all.json"),
                "{\"meta\": {\"skip\": [1, 2]}, \"x\": [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]}");
        Files.writeString(tmp.resolve("json/other.json"), "{\"x\": [0, 0, 0, 0]}"); // not the data source
        List<TensorInfo> input = List.of(new TensorInfo("x", DType.FLOAT, new long[]{1, 2, 2}));
        JsonArrayReaderSpec spec = new JsonArrayReaderSpec(null, "x", null);
        Location hdfs = MiniHdfs.folder("json");
        MiniHdfs.put(tmp.resolve("json"), hdfs.child("json"));
        assertSameSamples(spec, file, hdfs.child("json").child("all.json"), input, 3);
    }

    @Test
    void batchedNpyFilesAndMissingFoldersAreRefusedBeforeAnyJob() throws Exception {
        Location hdfs = MiniHdfs.folder("refused");
        List<TensorInfo> one = List.of(new TensorInfo("a", DType.FLOAT, new long[]{1, 3}));
        ConfigException batched = assertThrows(ConfigException.class, () -> DataSources.files(
                new NpyReaderSpec(Map.of(), true, null), hdfs.child("rows.npy"), one));
        assertTrue(batched.getMessage().contains("batch_axis") && batched.getMessage().contains("table"),
                batched.getMessage());
        DataException missing = assertThrows(DataException.class, () -> DataSources.files(
                new NpyReaderSpec(Map.of(), false, null), hdfs.child("nothing"), one));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        Files.writeString(tmp.resolve("readme.txt"), "no samples");
        MiniHdfs.put(tmp.resolve("readme.txt"), hdfs.child("empty").child("readme.txt"));
        DataException empty = assertThrows(DataException.class, () -> remote(new NpyReaderSpec(Map.of(), false,
                null), hdfs.child("empty"), one));
        assertTrue(empty.getMessage().contains("holds no npy files"), empty.getMessage());
    }

    private static BinaryFileSource remote(ReaderSpec spec, Location source, List<TensorInfo> inputs) {
        SparkSession spark = SparkSession.builder().sparkContext(SparkTestSession.get().sc()).getOrCreate();
        return BinaryFileSource.of(spark, DataSources.files(spec, source, inputs), 3);
    }

    private static void assertSameSamples(ReaderSpec spec, Path local, Location remote, List<TensorInfo> inputs,
                                          int count) {
        DataSource expected = DataSources.create(spec, local, inputs);
        BinaryFileSource actual = remote(spec, remote, inputs);
        List<SampleRef> refs = expected.list();
        assertEquals(count, refs.size());
        assertEquals(refs, actual.list(), "sample ids, locators and labels");
        List<String> want = new ArrayList<>();
        for (SampleRef r : refs) {
            want.add(digest(expected.load(r)));
            assertEquals(want.get(want.size() - 1), digest(actual.load(r)), "loaded directly: " + r.id());
        }
        // decoded in the tasks of the binaryFile partitions and handed to load on the same thread
        List<String> inTasks = new ArrayList<>(actual.refs(refs).map(r -> digest(actual.load(r))).collect());
        inTasks.sort(null);
        want.sort(null);
        assertEquals(want, inTasks);
    }

    /** A sample as text: id, label, and each input's type, shape and values. */
    private static String digest(Sample s) {
        StringBuilder b = new StringBuilder(s.id() + " label=" + s.label());
        for (Map.Entry<String, Tensor> e : new TreeMap<>(s.inputs()).entrySet()) {
            Tensor t = e.getValue();
            b.append(' ').append(e.getKey()).append(':').append(t.dtype()).append(Arrays.toString(t.shape()))
                    .append(t.dtype() == DType.FLOAT ? Arrays.toString(t.floats()) : Arrays.toString(t.longs()));
        }
        return b.toString();
    }
}
