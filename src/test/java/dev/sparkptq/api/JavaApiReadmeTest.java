package dev.sparkptq.api;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.OrtRunner;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.spark.SparkTestSession;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's Java API example, run as written in this JVM and on Spark local[2]. */
class JavaApiReadmeTest {
    private static final Path README = Path.of("README.md");
    private static final Path EXAMPLE = Path.of("src/test/java/dev/sparkptq/api/ReadmeExample.java");

    @TempDir
    Path dir;

    @Test
    void readmeExampleQuantizesInProcessAndItsMetricMatchesAnIndependentCount() throws IOException {
        Path model = tinyModel();
        Path out = Files.createDirectories(dir.resolve("local"));
        Map<String, Double> after = ReadmeExample.quantize(Engine.local(), model, out);
        assertQuantizedAndMetricRecounted(out.resolve("model.onnx"), after);
    }

    @Test
    void readmeExampleOnSparkLocal2GivesTheSameModelAndMetricAsInProcess() throws IOException {
        Path model = tinyModel();
        Path local = Files.createDirectories(dir.resolve("local"));
        Path spark = Files.createDirectories(dir.resolve("spark"));
        SparkTestSession.get();
        Map<String, Double> onSpark = ReadmeExample.quantize(Engine.spark(SparkSession.active()), model, spark);
        Map<String, Double> inProcess = ReadmeExample.quantize(Engine.local(), model, local);

        assertQuantizedAndMetricRecounted(spark.resolve("model.onnx"), onSpark);
        assertEquals(inProcess, onSpark);
        // statistics merge in partition order, so both engines must write the same model, metadata included (an API
        // run's config_sha256 hashes the settings and the model's SHA-256, not the run's scratch paths)
        assertEquals(dev.sparkptq.graph.ModelIo.load(local.resolve("model.onnx")),
                dev.sparkptq.graph.ModelIo.load(spark.resolve("model.onnx")));
    }

    @Test
    void readmeDatasetExampleQuantizesOnSparkLikeTheLoaderExampleAndItsMetricMatchesAnIndependentCount()
            throws IOException {
        Path model = tinyModel();
        Path rows = Files.createDirectories(dir.resolve("rows"));
        Path items = Files.createDirectories(dir.resolve("items"));
        SparkSession session = DatasetRows.session();
        Map<String, Double> after = ReadmeExample.quantizeDataset(session,
                DatasetRows.of(new ReadmeExample.RandomImages(64, 7), 2), model, rows);
        ReadmeExample.quantize(Engine.spark(session), model, items);

        assertQuantizedAndMetricRecounted(rows.resolve("model.onnx"), after);
        // the same 32 calibration samples: the loader splits them 16 + 16, the dataset holds them in its first
        // partition; min/max do not depend on the split, so both write the same quantizers
        assertEquals(quantizers(items.resolve("model.onnx")), quantizers(rows.resolve("model.onnx")));
    }

    @Test
    void readmeHoldsTheExampleVerbatim() throws IOException {
        assertReadmeHolds("readme");
    }

    @Test
    void readmeHoldsTheDatasetExampleVerbatim() throws IOException {
        assertReadmeHolds("readme-dataset");
    }

    private static void assertReadmeHolds(String marker) throws IOException {
        String source = Files.readString(EXAMPLE);
        String begin = "// " + marker + ":begin\n";
        String block = source.substring(source.indexOf(begin) + begin.length(),
                source.indexOf("    // " + marker + ":end"));
        String unindented = block.lines().map(l -> l.startsWith("    ") ? l.substring(4) : l)
                .reduce("", (a, l) -> a + l + "\n");
        assertTrue(Files.readString(README).contains("```java\n" + unindented + "```\n"),
                "README.md's Java API example differs from ReadmeExample.java; copy the lines between the "
                        + marker + " markers (one indent level removed) into README.md");
    }

    /** The model's QuantizeLinear/DequantizeLinear scale and zero-point initializers, by name. */
    private static Map<String, OnnxMl.TensorProto> quantizers(Path model) {
        OnnxMl.ModelProto proto = dev.sparkptq.graph.ModelIo.load(model);
        java.util.Set<String> names = new java.util.TreeSet<>();
        proto.getGraph().getNodeList().stream().filter(n -> n.getOpType().endsWith("QuantizeLinear"))
                .forEach(n -> names.addAll(n.getInputList().subList(1, n.getInputCount())));
        Map<String, OnnxMl.TensorProto> out = new java.util.TreeMap<>();
        proto.getGraph().getInitializerList().stream().filter(t -> names.contains(t.getName()))
                .forEach(t -> out.put(t.getName(), t));
        return out;
    }

    /** The saved model has Q/DQ nodes, runs in ONNX Runtime, and its accuracy recounted by hand is the returned one. */
    private static void assertQuantizedAndMetricRecounted(Path quantized, Map<String, Double> returned) {
        OnnxMl.ModelProto proto = dev.sparkptq.graph.ModelIo.load(quantized);
        long qdq = proto.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("QuantizeLinear")
                || n.getOpType().equals("DequantizeLinear")).count();
        assertTrue(qdq >= 4, "expected Q/DQ nodes in the quantized model, found " + qdq);
        ReadmeExample.RandomImages loader = new ReadmeExample.RandomImages(64, 7);
        int correct = 0;
        for (int i = 0; i < loader.size(); i++) {
            DataItem item = loader.get(i);
            float[] y = OrtRunner.run(quantized, item.inputs()).get("y");
            double c0 = 0;
            double c1 = 0;
            for (int k = 0; k < 64; k++) {
                c0 += y[k];
                c1 += y[64 + k];
            }
            correct += ((c1 > c0 ? 1 : 0) == item.annotation()) ? 1 : 0;
        }
        assertEquals(List.of("accuracy"), List.copyOf(returned.keySet()));
        // ORT with and without graph optimizations may round a near-tie differently: allow one item
        assertEquals(correct / 64.0, returned.get("accuracy"), 1.0 / 64 + 1e-12);
    }

    private Path tinyModel() {
        Path model = dir.resolve("tiny.onnx");
        dev.sparkptq.graph.ModelIo.save(TinyModels.convReluConv(), model);
        return model;
    }
}
