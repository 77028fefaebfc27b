package dev.sparkptq.api;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.graph.OrtRunner;
import dev.sparkptq.graph.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompressModelWeightsTest {
    @TempDir
    Path dir;

    private OnnxModel quantized(boolean compress) {
        Engine engine = Engine.local().withSpeedGuard(false).withDataLoader(new ReadmeExample.RandomImages(8, 3))
                .withPartitions(1);
        Algorithm a = Algorithms.minMaxQuantization().compressWeights(compress).build();
        return Pipeline.create(List.of(a), engine).withLog(line -> { }).run(
                OnnxModel.of(TinyModels.convReluConv(), "tiny"));
    }

    private static long count(OnnxModel m, String op) {
        return m.proto().getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(op)).count();
    }

    @Test
    void compressingFloatWeightsLeavesOutputsBitIdenticalAndStoresInt8Weights() {
        OnnxModel uncompressed = quantized(false);
        OnnxModel compressed = ModelIo.compressModelWeights(uncompressed);

        assertEquals(count(uncompressed, "QuantizeLinear") - 2, count(compressed, "QuantizeLinear"),
                "the two weight QuantizeLinear nodes (W1, W2) are folded");
        assertEquals(count(uncompressed, "DequantizeLinear"), count(compressed, "DequantizeLinear"));
        assertEquals(0, count(compressed, "Max") + count(compressed, "Min"), "the weight clipping is folded too");
        List<String> floatWeights = compressed.proto().getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals("W1") || t.getName().equals("W2")).map(OnnxMl.TensorProto::getName)
                .toList();
        assertEquals(List.of(), floatWeights, "float weights read by nothing are dropped");
        assertTrue(compressed.proto().getGraph().getInitializerList().stream()
                .anyMatch(t -> t.getName().equals("W1_quantized") && t.getDataType() == DType.INT8.onnxType()
                        && t.getDimsList().equals(List.of(16L, 3L, 3L, 3L))));
        for (int i = 0; i < 4; i++) {
            var inputs = new ReadmeExample.RandomImages(4, 11).get(i).inputs();
            assertArrayEquals(OrtRunner.run(uncompressed.proto(), inputs).get("y"),
                    OrtRunner.run(compressed.proto(), inputs).get("y"));
        }
    }

    @Test
    void anAlreadyCompressedModelIsReturnedUnchanged() {
        OnnxModel compressed = quantized(true);
        assertSame(compressed.proto(), ModelIo.compressModelWeights(compressed).proto());
    }

    @Test
    void saveWithExternalDataWritesADataFileThatLoadReadsBack() {
        OnnxModel model = OnnxModel.of(TinyModels.convReluConv(), "tiny");
        Path file = dir.resolve("tiny.onnx");
        ModelIo.saveWithExternalData(model, file);
        assertTrue(java.nio.file.Files.exists(dir.resolve("tiny.onnx.data")));
        OnnxModel loaded = ModelIo.load(file);
        assertEquals("tiny", loaded.name());
        Map<String, float[]> a = OrtRunner.run(model.proto(), new ReadmeExample.RandomImages(1, 0).get(0).inputs());
        Map<String, float[]> b = OrtRunner.run(loaded.proto(), new ReadmeExample.RandomImages(1, 0).get(0).inputs());
        assertArrayEquals(a.get("y"), b.get("y"));
    }
}
