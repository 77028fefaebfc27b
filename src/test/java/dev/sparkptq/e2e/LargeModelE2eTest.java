package dev.sparkptq.e2e;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.Npy;
import dev.sparkptq.graph.ModelIo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model over 2 GB end to end: nine MatMuls alternating W[16384×4096] and W[4096×16384] (FP32, 2.4 GB of weights,
 * more than one protobuf message can hold) stored as model.onnx + external data, streamed to disk here layer by
 * layer. spark-ptq loads it, runs statistics on ONNX Runtime from a staged external-data copy, and writes an int8
 * model that also keeps its weights in external data; the output loads back with the expected int8 initializers.
 */
@Tag("e2e")
class LargeModelE2eTest {
    private static final int LAYERS = 9;
    private static final int WIDE = 16384;
    private static final int NARROW = 4096;

    @TempDir
    Path tmp;

    @Test
    void aModelAboveTwoGigabytesIsQuantizedWithExternalDataInAndOut() throws Exception {
        Path modelDir = Files.createDirectories(tmp.resolve("model"));
        Path model = modelDir.resolve("big.onnx");
        long weightBytes = writeModel(model, modelDir.resolve("big.onnx.data"));
        assertTrue(weightBytes > (1L << 31), "more than 2 GB of weights: " + weightBytes);
        assertTrue(Files.size(model) < 1 << 20, "the protobuf part is small");
        Path data = Files.createDirectories(tmp.resolve("data"));
        SplittableRandom r = new SplittableRandom(5);
        for (int s = 0; s < 3; s++) {
            float[] x = new float[WIDE];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (r.nextDouble() * 2 - 1);
            }
            Npy.write(data.resolve("s" + s + ".npy"), Tensor.ofFloats(new long[] {1, WIDE}, x));
        }
        Path config = Files.writeString(tmp.resolve("big.json"), """
                { "model": { "model_name": "big", "model": "%s" },
                  "engine": { "data_source": "%s", "reader": { "type": "npy" }, "num_partitions": 1 },
                  "compression": { "algorithms": [ { "name": "MinMaxQuantization",
                                                     "params": { "preset": "performance" } } ] } }
                """.formatted(model, data));
        Path out = tmp.resolve("out");
        long t0 = System.nanoTime();
        // a child JVM with its own heap: the weights live in the heap (2.4 GB, plus the int8 copy and the staged
        // statistics model) and once more in ONNX Runtime
        List<String> cmd = E2e.childJvm(List.of("-Xmx10g", "-XX:+UseParallelGC", "-Djava.io.tmpdir=" + tmp),
                "dev.sparkptq.cli.Main", "quantize", "-c", config.toString(), "--output-dir", out.toString(),
                "--master", "local[1]");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println(log);
        assertEquals(0, p.waitFor(), log);
        System.out.printf("2.4 GB model quantized in %.1f s%n", (System.nanoTime() - t0) / 1e9);

        assertTrue(Files.exists(out.resolve("model.onnx.data")), "the output keeps its weights in external data");
        JsonNode report = E2e.report(out);
        assertEquals("model.onnx.data", report.path("output").path("external_data").asText());
        OnnxMl.ModelProto q = ModelIo.load(out.resolve("model.onnx"));
        long int8 = q.getGraph().getInitializerList().stream()
                .filter(t -> t.getDataType() == OnnxMl.TensorProto.DataType.INT8_VALUE
                        && t.getRawData().size() == WIDE * NARROW).count();
        assertEquals(LAYERS, int8, "one int8 weight per MatMul");
    }

    /** Writes the graph with external-data references and streams seeded weights into {@code dataFile}. */
    private static long writeModel(Path model, Path dataFile) throws IOException {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("big")
                .addInput(info("x", 1, WIDE));
        long offset = 0;
        String prev = "x";
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dataFile), 1 << 20)) {
            for (int l = 0; l < LAYERS; l++) {
                int rows = l % 2 == 0 ? WIDE : NARROW;
                int cols = l % 2 == 0 ? NARROW : WIDE;
                long length = 4L * rows * cols;
                writeWeights(out, rows, cols, l);
                g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("W" + l).addDims(rows).addDims(cols)
                        .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                        .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", dataFile.getFileName().toString()))
                        .addExternalData(entry("offset", Long.toString(offset)))
                        .addExternalData(entry("length", Long.toString(length))));
                String y = l == LAYERS - 1 ? "y" : "h" + l;
                g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("mm" + l).addInput(prev)
                        .addInput("W" + l).addOutput(y));
                prev = y;
                offset += length;
            }
        }
        g.addOutput(info("y", 1, LAYERS % 2 == 1 ? NARROW : WIDE));
        OnnxMl.ModelProto m = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("LargeModelE2eTest")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g)
                .build();
        Files.write(model, m.toByteArray());
        return offset;
    }

    /** Seeded weights scaled by 1/sqrt(rows) so activations stay O(1) through the stack; one row at a time. */
    private static void writeWeights(OutputStream out, int rows, int cols, int layer) throws IOException {
        SplittableRandom r = new SplittableRandom(1000 + layer);
        float scale = (float) (1 / Math.sqrt(rows));
        ByteBuffer row = ByteBuffer.allocate(4 * cols).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows; i++) {
            row.clear();
            for (int j = 0; j < cols; j++) {
                row.putFloat((float) (r.nextDouble() * 2 - 1) * scale);
            }
            out.write(row.array());
        }
    }

    private static OnnxMl.StringStringEntryProto entry(String k, String v) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    private static OnnxMl.ValueInfoProto info(String name, long... dims) {
        OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
    }
}
