package dev.sparkptq.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.core.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelIoTest {
    @TempDir
    Path dir;

    private static Map<String, Tensor> convInput() {
        return Map.of("x", TinyModels.randomTensor(7, 1, 3, 8, 8));
    }

    @Test
    void savedModelLoadsBackEqual() {
        OnnxMl.ModelProto m = TinyModels.convReluConv();
        Path file = dir.resolve("m.onnx");
        ModelIo.save(m, file);
        assertEquals(m, ModelIo.load(file));
        assertFalse(Files.exists(dir.resolve("m.onnx.data")));
    }

    @Test
    void externalDataIsReadIntoRawData() throws IOException {
        OnnxMl.ModelProto m = TinyModels.convReluConv();
        OnnxMl.ModelProto external = withExternalW1(m, "weights.bin", 16);
        Files.write(dir.resolve("m.onnx"), external.toByteArray());

        OnnxMl.ModelProto loaded = ModelIo.load(dir.resolve("m.onnx"));

        OnnxMl.TensorProto w1 = loaded.getGraph().getInitializer(0);
        assertEquals(0, w1.getExternalDataCount());
        assertEquals(OnnxMl.TensorProto.DataLocation.DEFAULT, w1.getDataLocation());
        assertEquals(m.getGraph().getInitializer(0).getRawData(), w1.getRawData());
        assertArrayEquals(OrtRunner.run(m, convInput()).get("y"), OrtRunner.run(loaded, convInput()).get("y"));
    }

    @Test
    void externalLocationWithDotDotIsRefused() throws IOException {
        Path modelDir = Files.createDirectory(dir.resolve("model"));
        OnnxMl.ModelProto external = withExternalW1(TinyModels.convReluConv(), "../weights.bin", 0);
        Files.write(modelDir.resolve("m.onnx"), external.toByteArray());
        ModelException e = assertThrows(ModelException.class, () -> ModelIo.load(modelDir.resolve("m.onnx")));
        assertTrue(e.getMessage().contains("'../weights.bin'") && e.getMessage().contains("escapes"), e.getMessage());
    }

    @Test
    void absoluteExternalLocationIsRefused() throws IOException {
        OnnxMl.ModelProto m = TinyModels.convReluConv();
        Path bin = dir.resolve("abs.bin");
        Files.write(bin, m.getGraph().getInitializer(0).getRawData().toByteArray());
        OnnxMl.ModelProto external = externalRef(m, bin.toAbsolutePath().toString(), 0);
        Files.write(dir.resolve("m.onnx"), external.toByteArray());
        ModelException e = assertThrows(ModelException.class, () -> ModelIo.load(dir.resolve("m.onnx")));
        assertTrue(e.getMessage().contains("absolute"), e.getMessage());
    }

    @Test
    void symlinkLeavingTheModelFolderIsRefused() throws IOException {
        Path modelDir = Files.createDirectory(dir.resolve("model"));
        OnnxMl.ModelProto m = TinyModels.convReluConv();
        Path outside = dir.resolve("outside.bin");
        Files.write(outside, m.getGraph().getInitializer(0).getRawData().toByteArray());
        Files.createSymbolicLink(modelDir.resolve("link.bin"), outside);
        Files.write(modelDir.resolve("m.onnx"), externalRef(m, "link.bin", 0).toByteArray());
        ModelException e = assertThrows(ModelException.class, () -> ModelIo.load(modelDir.resolve("m.onnx")));
        assertTrue(e.getMessage().contains("outside the model folder"), e.getMessage());
    }

    @Test
    void missingOrShortExternalFileIsRefused() throws IOException {
        OnnxMl.ModelProto m = TinyModels.convReluConv();
        Files.write(dir.resolve("m.onnx"), externalRef(m, "absent.bin", 0).toByteArray());
        ModelException missing = assertThrows(ModelException.class, () -> ModelIo.load(dir.resolve("m.onnx")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());

        Files.write(dir.resolve("short.bin"), new byte[100]);
        Files.write(dir.resolve("m2.onnx"), externalRef(m, "short.bin", 0).toByteArray());
        ModelException shortFile = assertThrows(ModelException.class, () -> ModelIo.load(dir.resolve("m2.onnx")));
        assertTrue(shortFile.getMessage().contains("truncated"), shortFile.getMessage());
    }

    @Test
    void saveAboveThresholdWritesAlignedDataFileThatOrtLoads() throws IOException {
        OnnxMl.ModelProto m = TinyModels.convReluConv();
        Path file = dir.resolve("big.onnx");
        ModelIo.save(m, file, 100);

        assertTrue(Files.exists(dir.resolve("big.onnx.data")));
        OnnxMl.ModelProto raw = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file));
        Map<String, OnnxMl.TensorProto> inits = new HashMap<>();
        raw.getGraph().getInitializerList().forEach(t -> inits.put(t.getName(), t));
        OnnxMl.TensorProto w1 = inits.get("W1");
        assertEquals(OnnxMl.TensorProto.DataLocation.EXTERNAL, w1.getDataLocation());
        Map<String, String> kv = new HashMap<>();
        w1.getExternalDataList().forEach(e -> kv.put(e.getKey(), e.getValue()));
        assertEquals("big.onnx.data", kv.get("location"));
        assertEquals(0, Long.parseLong(kv.get("offset")) % 4096);
        assertEquals(16 * 3 * 3 * 3 * 4, Long.parseLong(kv.get("length")));
        assertEquals(OnnxMl.TensorProto.DataLocation.DEFAULT, inits.get("B1").getDataLocation(), "64 bytes stay inline");

        assertArrayEquals(OrtRunner.run(m, convInput()).get("y"), OrtRunner.run(file, convInput()).get("y"));
        assertEquals(m, ModelIo.load(file));
    }

    @Test
    void textFileIsNotAnOnnxModel() throws IOException {
        Path file = dir.resolve("notes.onnx");
        Files.writeString(file, "this is a text file, not a model\n", StandardCharsets.UTF_8);
        ModelException e = assertThrows(ModelException.class, () -> ModelIo.load(file));
        assertTrue(e.getMessage().contains("is not an ONNX model"), e.getMessage());
    }

    @Test
    void randomBytesAndEmptyFileAreNotOnnxModels() throws IOException {
        byte[] noise = new byte[4096];
        new SplittableRandom(3).nextBytes(noise);
        Files.write(dir.resolve("noise.onnx"), noise);
        Files.write(dir.resolve("empty.onnx"), new byte[0]);
        assertThrows(ModelException.class, () -> ModelIo.load(dir.resolve("noise.onnx")));
        ModelException e = assertThrows(ModelException.class, () -> ModelIo.load(dir.resolve("empty.onnx")));
        assertTrue(e.getMessage().contains("is not an ONNX model"), e.getMessage());
    }

    @Test
    void truncatedModelIsRejected() throws IOException {
        byte[] bytes = ModelIo.toBytes(TinyModels.convReluConv());
        Path file = dir.resolve("cut.onnx");
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 200));
        ModelException e = assertThrows(ModelException.class, () -> ModelIo.load(file));
        assertTrue(e.getMessage().contains("is not an ONNX model"), e.getMessage());
    }

    @Test
    void missingModelFileIsAModelError() {
        assertThrows(ModelException.class, () -> ModelIo.load(dir.resolve("nope.onnx")));
    }

    @Test
    void sha256MatchesStandardVectorAndFileDigest() throws IOException {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ModelIo.sha256(abc));
        Path f = dir.resolve("abc");
        Files.write(f, abc);
        assertEquals(ModelIo.sha256(abc), ModelIo.sha256(f));
    }

    @Test
    void initializerBytesSumsTensorSizes() {
        long expected = 4L * (16 * 3 * 3 * 3 + 16 + 2 * 16 + 2);
        assertEquals(expected, ModelIo.initializerBytes(TinyModels.convReluConv()));
    }

    /** The model with W1's bytes moved to {@code location} after {@code prefix} junk bytes, written into dir. */
    private OnnxMl.ModelProto withExternalW1(OnnxMl.ModelProto m, String location, int prefix) throws IOException {
        byte[] w = m.getGraph().getInitializer(0).getRawData().toByteArray();
        byte[] file = new byte[prefix + w.length + 8];
        Arrays.fill(file, (byte) 7);
        System.arraycopy(w, 0, file, prefix, w.length);
        Path target = dir.resolve("model").resolve(location).normalize();
        if (!location.startsWith("..")) {
            target = dir.resolve(location);
        }
        Files.write(target, file);
        return externalRef(m, location, prefix);
    }

    private static OnnxMl.ModelProto externalRef(OnnxMl.ModelProto m, String location, long offset) {
        OnnxMl.TensorProto w1 = m.getGraph().getInitializer(0);
        OnnxMl.TensorProto ext = w1.toBuilder().clearRawData()
                .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", location)).addExternalData(entry("offset", "" + offset))
                .addExternalData(entry("length", "" + w1.getRawData().size())).build();
        return m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(0, ext)).build();
    }

    private static OnnxMl.StringStringEntryProto entry(String k, String v) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }
}
