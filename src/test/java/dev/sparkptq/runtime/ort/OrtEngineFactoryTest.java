package dev.sparkptq.runtime.ort;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrtEngineFactoryTest {
    private static final Map<String, Tensor> ONES_1x3 =
            Map.of("x", Tensor.ofFloats(new long[] {1, 3}, new float[] {1f, 1f, 1f}));

    private final OrtEngineFactory factory = new OrtEngineFactory();
    private final List<String> digests = new ArrayList<>();

    @AfterEach
    void evictOpened() {
        digests.forEach(factory::evict);
    }

    private String digest() {
        String d = "test-" + UUID.randomUUID();
        digests.add(d);
        return d;
    }

    @Test
    void sameDigestAndOptionsReturnTheSameEngine() {
        ModelBlob blob = ModelBlob.ofBytes(digest(), TinyModels.addOne());
        int before = OrtEngineFactory.cachedSessions();
        InferenceEngine first = factory.open(blob, EngineOptions.forStatistics(1));
        InferenceEngine second = factory.open(blob, EngineOptions.forStatistics(1));
        assertSame(first, second);
        assertEquals(before + 1, OrtEngineFactory.cachedSessions());
    }

    @Test
    void differentOptionsGetTheirOwnSession() {
        ModelBlob blob = ModelBlob.ofBytes(digest(), TinyModels.addOne());
        InferenceEngine forStats = factory.open(blob, new EngineOptions(1, EngineOptions.Optimization.NONE));
        InferenceEngine forInference = factory.open(blob, EngineOptions.forInference(1));
        assertNotSame(forStats, forInference);
    }

    @Test
    void concurrentFirstOpensCreateOneSession() throws Exception {
        ModelBlob blob = ModelBlob.ofBytes(digest(), TinyModels.addOne());
        int before = OrtEngineFactory.cachedSessions();
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<InferenceEngine>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return factory.open(blob, EngineOptions.forStatistics(1));
                }));
            }
            start.countDown();
            Set<InferenceEngine> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Future<InferenceEngine> f : futures) {
                distinct.add(f.get());
            }
            assertEquals(1, distinct.size());
            assertEquals(before + 1, OrtEngineFactory.cachedSessions());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void evictClosesEverySessionOfTheDigestAndTheNextOpenCreatesANewOne() {
        ModelBlob blob = ModelBlob.ofBytes(digest(), TinyModels.addOne());
        int before = OrtEngineFactory.cachedSessions();
        OrtInferenceEngine a = (OrtInferenceEngine) factory.open(blob, new EngineOptions(1, EngineOptions.Optimization.NONE));
        OrtInferenceEngine b = (OrtInferenceEngine) factory.open(blob, EngineOptions.forInference(1));
        assertEquals(before + 2, OrtEngineFactory.cachedSessions());

        factory.evict(blob.digest());

        assertEquals(before, OrtEngineFactory.cachedSessions());
        assertTrue(a.isClosed());
        assertTrue(b.isClosed());
        InferenceEngine reopened = factory.open(blob, EngineOptions.forStatistics(1));
        assertNotSame(a, reopened);
        assertArrayEquals(new float[] {2f, 2f, 2f}, reopened.run(ONES_1x3, List.of("y")).get("y").floats());
    }

    @Test
    void evictLeavesOtherModelsCached() {
        ModelBlob kept = ModelBlob.ofBytes(digest(), TinyModels.addOne());
        ModelBlob dropped = ModelBlob.ofBytes(digest(), TinyModels.addOne());
        OrtInferenceEngine keptEngine = (OrtInferenceEngine) factory.open(kept, EngineOptions.forStatistics(1));
        factory.open(dropped, EngineOptions.forStatistics(1));
        factory.evict(dropped.digest());
        assertFalse(keptEngine.isClosed());
        assertSame(keptEngine, factory.open(kept, EngineOptions.forStatistics(1)));
    }

    @Test
    void closeAllEmptiesTheCacheAndIsIdempotent() {
        OrtInferenceEngine engine =
                (OrtInferenceEngine) factory.open(ModelBlob.ofBytes(digest(), TinyModels.addOne()),
                        EngineOptions.forStatistics(1));
        OrtEngineFactory.closeAll();
        OrtEngineFactory.closeAll();
        assertEquals(0, OrtEngineFactory.cachedSessions());
        assertTrue(engine.isClosed());
    }

    @Test
    void unreadableModelIsAOneLineModelErrorAndCachesNothing() {
        ModelBlob blob = ModelBlob.ofBytes(digest(), new byte[] {1, 2, 3, 4, 5});
        int before = OrtEngineFactory.cachedSessions();
        ModelException e = assertThrows(ModelException.class,
                () -> factory.open(blob, EngineOptions.forStatistics(1)));
        assertTrue(e.getMessage().startsWith("ONNX Runtime cannot load the model: "), e.getMessage());
        assertTrue(e.getMessage().contains(blob.digest()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertEquals(before, OrtEngineFactory.cachedSessions());
    }

    @Test
    void missingModelFileIsAModelError(@TempDir Path dir) {
        ModelBlob blob = ModelBlob.ofPath(digest(), dir.resolve("absent.onnx"));
        ModelException e = assertThrows(ModelException.class,
                () -> factory.open(blob, EngineOptions.forStatistics(1)));
        assertTrue(e.getMessage().contains("absent.onnx"), e.getMessage());
    }

    @Test
    void negativeThreadCountIsAConfigError() {
        ModelBlob blob = ModelBlob.ofBytes(digest(), TinyModels.addOne());
        assertThrows(ConfigException.class,
                () -> factory.open(blob, new EngineOptions(-1, EngineOptions.Optimization.NONE)));
    }

    @Test
    void bytesAndPathLoadingGiveTheSameResults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("add_one.onnx");
        Files.write(file, TinyModels.addOne());
        InferenceEngine fromBytes =
                factory.open(ModelBlob.ofBytes(digest(), TinyModels.addOne()), EngineOptions.forInference(1));
        InferenceEngine fromPath = factory.open(ModelBlob.ofPath(digest(), file), EngineOptions.forInference(1));
        assertEquals(fromBytes.inputs(), fromPath.inputs());
        assertArrayEquals(fromBytes.run(ONES_1x3, List.of("y")).get("y").floats(),
                fromPath.run(ONES_1x3, List.of("y")).get("y").floats());
    }

    @Test
    void pathLoadingResolvesExternalDataNextToTheModel(@TempDir Path dir) throws Exception {
        Path model = TinyModels.withExternalWeights(dir);
        InferenceEngine engine = factory.open(ModelBlob.ofPath(digest(), model), EngineOptions.forStatistics(1));
        Tensor y = engine.run(Map.of("x", Tensor.ofFloats(new long[] {3}, new float[] {1f, 2f, 3f})),
                List.of("y")).get("y");
        assertArrayEquals(new float[] {11f, 22f, 33f}, y.floats());
    }

    @Test
    void optimizedModelWritesAParsableOnnxFileWithTheSameInterface(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("optimized.onnx");
        OrtEngineFactory.optimizedModel(ModelBlob.ofBytes(digest(), TinyModels.twoOutputs()), out);
        OnnxMl.ModelProto written = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(out));
        assertEquals(List.of("x"), written.getGraph().getInputList().stream().map(v -> v.getName()).toList());
        assertEquals(List.of("a", "b"), written.getGraph().getOutputList().stream().map(v -> v.getName()).toList());
    }

    @Test
    void factorySurvivesJavaSerializationAndSharesTheJvmCache() throws Exception {
        ModelBlob blob = ModelBlob.ofBytes(digest(), TinyModels.addOne());
        InferenceEngine engine = factory.open(blob, EngineOptions.forStatistics(1));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(factory);
        }
        EngineFactory copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (EngineFactory) in.readObject();
        }
        assertSame(engine, copy.open(blob, EngineOptions.forStatistics(1)));
    }

    /** A session for a model digest not opened before, taking one more place in the bounded cache. */
    private OrtInferenceEngine openAnother() {
        return (OrtInferenceEngine) factory.open(ModelBlob.ofBytes(digest(), TinyModels.addOne()),
                EngineOptions.forInference(1));
    }

    @Test
    void pastTheBoundTheOldestIdleSessionIsParkedAndAHolderStillGetsCorrectResults() {
        OrtEngineFactory.closeAll();
        OrtEngineFactory.capacityForTests(2);
        try {
            ModelBlob first = ModelBlob.ofBytes(digest(), TinyModels.addOne());
            OrtInferenceEngine held = (OrtInferenceEngine) factory.open(first, EngineOptions.forInference(1));
            openAnother();
            assertEquals(2, OrtEngineFactory.cachedSessions());
            openAnother();

            assertEquals(2, OrtEngineFactory.cachedSessions());
            assertTrue(held.isClosed(), "the least recently opened session is freed");
            assertArrayEquals(new float[] {2f, 2f, 2f}, held.run(ONES_1x3, List.of("y")).get("y").floats());
            InferenceEngine reopened = factory.open(first, EngineOptions.forInference(1));
            assertNotSame(held, reopened, "the holder's run re-opened the model in the cache");
            assertEquals(2, OrtEngineFactory.cachedSessions());
        } finally {
            OrtEngineFactory.capacityForTests(0);
        }
    }

    @Test
    void reopeningRefreshesRecencySoTheSessionInUseIsKept() {
        OrtEngineFactory.closeAll();
        OrtEngineFactory.capacityForTests(2);
        try {
            ModelBlob hot = ModelBlob.ofBytes(digest(), TinyModels.addOne());
            OrtInferenceEngine hotEngine = (OrtInferenceEngine) factory.open(hot, EngineOptions.forInference(1));
            OrtInferenceEngine cold = openAnother();
            assertSame(hotEngine, factory.open(hot, EngineOptions.forInference(1)));
            openAnother();

            assertFalse(hotEngine.isClosed());
            assertTrue(cold.isClosed());
        } finally {
            OrtEngineFactory.capacityForTests(0);
        }
    }

    @Test
    void theDefaultBoundLeavesRoomForOneCandidatePerCoreAndTheReference() {
        assertTrue(OrtEngineFactory.capacity() >= 16);
        assertTrue(OrtEngineFactory.capacity() >= 2 * Runtime.getRuntime().availableProcessors() + 2);
    }
}
