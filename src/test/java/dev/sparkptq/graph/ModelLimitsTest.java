package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.sparkptq.core.ModelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An untrusted model file cannot make the loader allocate from declared sizes or parse past protobuf's limit. */
class ModelLimitsTest {
    @TempDir
    Path dir;

    private OnnxMl.ModelProto withW1(OnnxMl.TensorProto.Builder w1) {
        OnnxMl.ModelProto m = TinyModels.convReluConv();
        return m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(0, w1)).build();
    }

    private ModelException loadFails(OnnxMl.ModelProto m) throws Exception {
        Path file = dir.resolve("m.onnx");
        Files.write(file, m.toByteArray());
        return assertThrows(ModelException.class, () -> ModelIo.load(file));
    }

    @Test
    void aDimensionProductThatOverflowsIsRejectedAtLoad() throws Exception {
        OnnxMl.TensorProto.Builder w = TinyModels.convReluConv().getGraph().getInitializer(0).toBuilder()
                .clearDims().addDims(1L << 32).addDims(1L << 32).addDims(1);
        ModelException e = loadFails(withW1(w));
        assertTrue(e.getMessage().contains("W1") && e.getMessage().contains("overflows"), e.getMessage());
    }

    @Test
    void declaredElementsThatDisagreeWithTheStoredBytesAreRejectedBeforeDecoding() throws Exception {
        // 2^28 floats declared (1 GiB if allocated), 16 bytes stored
        OnnxMl.TensorProto.Builder w = TinyModels.convReluConv().getGraph().getInitializer(0).toBuilder()
                .clearDims().addDims(1L << 14).addDims(1L << 14).setRawData(ByteString.copyFrom(new byte[16]));
        ModelException e = loadFails(withW1(w));
        assertTrue(e.getMessage().contains("268435456 elements") && e.getMessage().contains("16 bytes"),
                e.getMessage());
    }

    @Test
    void aNegativeDimensionIsRejected() throws Exception {
        OnnxMl.TensorProto.Builder w = TinyModels.convReluConv().getGraph().getInitializer(0).toBuilder()
                .clearDims().addDims(-16).addDims(3);
        assertTrue(loadFails(withW1(w)).getMessage().contains("negative"));
    }

    @Test
    void anOverflowingGraphInputShapeIsRejected() throws Exception {
        OnnxMl.ModelProto m = TinyModels.convReluConv();
        OnnxMl.ModelProto bad = m.toBuilder().setGraph(m.getGraph().toBuilder().setInput(0,
                TinyModels.floatInfo("x", 1L << 40, 1L << 40, 8, 8))).build();
        assertTrue(loadFails(bad).getMessage().contains("input 'x'"));
    }

    @Test
    void aNodeOfADomainTheModelDoesNotImportIsRejected() throws Exception {
        OnnxMl.ModelProto m = TinyModels.convReluConv();
        OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
        g.setNode(1, g.getNode(1).toBuilder().setDomain("org.evil"));
        ModelException e = loadFails(m.toBuilder().setGraph(g).build());
        assertTrue(e.getMessage().contains("org.evil") && e.getMessage().contains("relu1"), e.getMessage());
    }

    @Test
    void aModelFileAboveTwoGigabytesIsRefusedBeforeParsing() throws Exception {
        Path file = dir.resolve("big.onnx");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength((1L << 31) + 10); // sparse: no disk space used
        }
        ModelException e = assertThrows(ModelException.class, () -> ModelIo.load(file));
        assertTrue(e.getMessage().contains("external data"), e.getMessage());
    }
}
