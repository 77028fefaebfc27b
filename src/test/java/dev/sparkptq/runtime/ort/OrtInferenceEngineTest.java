package dev.sparkptq.runtime.ort;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrtInferenceEngineTest {
    private final OrtEngineFactory factory = new OrtEngineFactory();
    private final List<String> digests = new ArrayList<>();

    @AfterEach
    void evictOpened() {
        digests.forEach(factory::evict);
    }

    private InferenceEngine open(byte[] model) {
        String digest = "test-" + UUID.randomUUID();
        digests.add(digest);
        return factory.open(ModelBlob.ofBytes(digest, model), EngineOptions.forStatistics(1));
    }

    @Test
    void addOneModelAddsOneToEveryElement() {
        Random rnd = new Random(42);
        float[] x = new float[6];
        float[] expected = new float[6];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
            expected[i] = x[i] + 1f;
        }
        Map<String, Tensor> out = open(TinyModels.addOne())
                .run(Map.of("x", Tensor.ofFloats(new long[] {2, 3}, x)), List.of("y"));
        assertArrayEquals(new long[] {2, 3}, out.get("y").shape());
        assertArrayEquals(expected, out.get("y").floats(), 0f);
    }

    @Test
    void describesInputsAndOutputsWithSymbolicDimsAsMinusOne() {
        InferenceEngine engine = open(TinyModels.addOne());
        assertEquals(List.of(new TensorInfo("x", DType.FLOAT, new long[] {-1, 3})), engine.inputs());
        assertEquals(List.of(new TensorInfo("y", DType.FLOAT, new long[] {-1, 3})), engine.outputs());
    }

    @Test
    void runsInt64Models() {
        Map<String, Tensor> out = open(TinyModels.timesTwoInt64())
                .run(Map.of("x", Tensor.ofLongs(new long[] {2}, new long[] {3, -4_000_000_000L})), List.of("y"));
        assertEquals(DType.INT64, out.get("y").dtype());
        assertArrayEquals(new long[] {6, -8_000_000_000L}, out.get("y").longs());
    }

    @Test
    void returnsOnlyRequestedOutputsInTheAskedOrder() {
        InferenceEngine engine = open(TinyModels.twoOutputs());
        Map<String, Tensor> in = Map.of("x", Tensor.ofFloats(new long[] {2}, new float[] {1f, 2f}));

        Map<String, Tensor> both = engine.run(in, List.of("b", "a"));
        assertEquals(List.of("b", "a"), List.copyOf(both.keySet()));
        assertArrayEquals(new float[] {10f, 20f}, both.get("b").floats());
        assertArrayEquals(new float[] {2f, 3f}, both.get("a").floats());

        Map<String, Tensor> onlyB = engine.run(in, List.of("b"));
        assertEquals(List.of("b"), List.copyOf(onlyB.keySet()));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT", "DOUBLE", "INT64", "INT32", "INT16", "INT8", "UINT8", "BOOL"})
    void roundTripsEverySupportedElementType(DType type) {
        Tensor in = sample(type);
        Tensor out = open(TinyModels.identity(type)).run(Map.of("x", in), List.of("y")).get("y");
        assertEquals(type, out.dtype());
        assertArrayEquals(in.shape(), out.shape());
        assertArrayEquals(in.toFloats(), out.toFloats(), 0f);
    }

    private static Tensor sample(DType type) {
        long[] shape = {4};
        return switch (type) {
            case FLOAT -> Tensor.ofFloats(shape, new float[] {-1.5f, 0f, 2.25f, 1e30f});
            case DOUBLE -> Tensor.ofDoubles(shape, new double[] {-1.5, 0, 2.25, 1e300});
            case INT64 -> Tensor.ofLongs(shape, new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE});
            case INT32 -> Tensor.ofInts(shape, new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE});
            case INT16 -> Tensor.ofShorts(type, shape, new short[] {Short.MIN_VALUE, -1, 0, Short.MAX_VALUE});
            case INT8, UINT8 -> Tensor.ofBytes(type, shape, new byte[] {-128, -1, 0, 127});
            case BOOL -> Tensor.ofBytes(type, shape, new byte[] {1, 0, 0, 1});
            default -> throw new IllegalArgumentException(type.toString());
        };
    }

    @Test
    void concurrentRunsOnOneEngineEachGetTheirOwnResult() throws Exception {
        InferenceEngine engine = open(TinyModels.addOne());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                final float base = t * 1000f;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        float v = base + i;
                        float[] y = engine.run(Map.of("x", Tensor.ofFloats(new long[] {1, 3}, new float[] {v, v, v})),
                                List.of("y")).get("y").floats();
                        if (y[0] != v + 1 || y[2] != v + 1) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertTrue(r.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void readsUint16OutputsUnsigned() {
        Tensor in = Tensor.ofInts(new long[] {3}, new int[] {0, 40_000, 65_535});
        Tensor out = open(TinyModels.cast(DType.INT32, DType.UINT16)).run(Map.of("x", in), List.of("y")).get("y");
        assertEquals(DType.UINT16, out.dtype());
        assertArrayEquals(new float[] {0f, 40_000f, 65_535f}, out.toFloats(), 0f);
    }

    @Test
    void wrongInputNameIsADataErrorNamingGivenAndExpectedInputs() {
        InferenceEngine engine = open(TinyModels.addOne());
        DataException e = assertThrows(DataException.class, () -> engine.run(
                Map.of("z", Tensor.ofFloats(new long[] {1, 3}, new float[3])), List.of("y")));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("given [z:FLOAT[1, 3]]"), e.getMessage());
        assertTrue(e.getMessage().contains("expected [x:FLOAT[-1, 3]]"), e.getMessage());
    }

    @Test
    void wrongShapeIsAOneLineDataError() {
        InferenceEngine engine = open(TinyModels.addOne());
        DataException e = assertThrows(DataException.class, () -> engine.run(
                Map.of("x", Tensor.ofFloats(new long[] {1, 4}, new float[4])), List.of("y")));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith("ONNX Runtime cannot run the model on these inputs: "), e.getMessage());
        assertTrue(e.getMessage().contains("given [x:FLOAT[1, 4]]"), e.getMessage());
        assertTrue(e.getCause() instanceof ai.onnxruntime.OrtException, String.valueOf(e.getCause()));
    }

    @Test
    void wrongElementTypeIsADataError() {
        InferenceEngine engine = open(TinyModels.addOne());
        DataException e = assertThrows(DataException.class, () -> engine.run(
                Map.of("x", Tensor.ofDoubles(new long[] {1, 3}, new double[3])), List.of("y")));
        assertTrue(e.getMessage().contains("given [x:DOUBLE[1, 3]]"), e.getMessage());
    }

    @Test
    void typeTheJavaApiCannotPassIsADataError() {
        InferenceEngine engine = open(TinyModels.addOne());
        DataException e = assertThrows(DataException.class, () -> engine.run(
                Map.of("x", Tensor.ofShorts(DType.UINT16, new long[] {1, 3}, new short[3])), List.of("y")));
        assertTrue(e.getMessage().contains("UINT16"), e.getMessage());
    }

    @Test
    void unknownOutputNameIsAnInternalErrorListingTheOutputs() {
        InferenceEngine engine = open(TinyModels.twoOutputs());
        InternalException e = assertThrows(InternalException.class, () -> engine.run(
                Map.of("x", Tensor.ofFloats(new long[] {2}, new float[2])), List.of("a", "nope")));
        assertEquals("unknown output 'nope'; the model's outputs are [a, b]", e.getMessage());
    }

    @Test
    void runAfterEvictionIsAnInternalError() {
        InferenceEngine engine = open(TinyModels.addOne());
        factory.evict(digests.get(0));
        assertThrows(InternalException.class, () -> engine.run(
                Map.of("x", Tensor.ofFloats(new long[] {1, 3}, new float[3])), List.of("y")));
    }
}
