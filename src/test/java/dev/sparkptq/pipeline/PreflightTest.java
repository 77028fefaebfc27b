package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.NpyReaderSpec;
import dev.sparkptq.core.BadSampleException;
import dev.sparkptq.core.ExitCode;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.DataSources;
import dev.sparkptq.data.Sample;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver-side check that ONNX Runtime loads and runs each model on one sample before a pass starts. */
class PreflightTest {
    @TempDir
    Path tmp;

    /** The real NPY source over TinyRun's data, counting the samples it loads. */
    private static final class Counting implements DataSource {
        private final DataSource inner;
        final AtomicInteger loads = new AtomicInteger();

        Counting(DataSource inner) {
            this.inner = inner;
        }

        @Override
        public List<SampleRef> list() {
            return inner.list();
        }

        @Override
        public Sample load(SampleRef ref) {
            loads.incrementAndGet();
            return inner.load(ref);
        }
    }

    private Counting source(TinyRun t) {
        return new Counting(DataSources.create(new NpyReaderSpec(Map.of(), false, null), t.data,
                ModelGraph.of(TinyModels.convReluConv()).inputs()));
    }

    private static ModelBlob blob(OnnxMl.ModelProto m) {
        byte[] bytes = ModelIo.toBytes(m);
        return ModelBlob.ofBytes(ModelIo.sha256(bytes), bytes);
    }

    /** The model with relu1's output exposed but declared INT64 (as an FP16 tensor exposed as float would be). */
    private static OnnxMl.ModelProto exposedWithWrongType() {
        OnnxMl.ModelProto m = TinyModels.convReluConv();
        return m.toBuilder().setGraph(m.getGraph().toBuilder().addOutput(TinyModels.info("r1",
                OnnxMl.TensorProto.DataType.INT64_VALUE, 1, 16, 8, 8))).build();
    }

    @Test
    void aModelThatRunsPassesAndIsCheckedOncePerRun() throws Exception {
        TinyRun t = TinyRun.create(tmp, 3, 1);
        Counting source = source(t);
        Preflight preflight = new Preflight(new OrtEngineFactory());
        ModelBlob good = blob(TinyModels.convReluConv());
        preflight.check("the FP32 model", good, EngineOptions.forInference(1), source, source.list());
        preflight.check("the FP32 model", good, EngineOptions.forInference(1), source, source.list());
        assertEquals(1, source.loads.get(), "the second check of the same model is free");
    }

    @Test
    void aStatisticsModelOrtCannotLoadIsAModelErrorNamingItAndOrtsReason() throws Exception {
        TinyRun t = TinyRun.create(tmp, 2, 2);
        Counting source = source(t);
        ModelException e = assertThrows(ModelException.class, () -> new Preflight(new OrtEngineFactory())
                .check("the statistics model", blob(exposedWithWrongType()), EngineOptions.forStatistics(1), source,
                        source.list()));
        assertEquals(ExitCode.MODEL, e.exitCode());
        assertTrue(e.getMessage().startsWith("the statistics model does not run in ONNX Runtime on sample "
                + "'s000.npy': ONNX Runtime cannot load the model"), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("type"), "ORT's reason: " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    @Test
    void aModelThatFailsWhenItRunsIsAModelErrorToo() throws Exception {
        TinyRun t = TinyRun.create(tmp, 2, 3);
        Counting source = source(t);
        ModelException e = assertThrows(ModelException.class, () -> new Preflight(new OrtEngineFactory())
                .check("the FP32 model", blob(TinyModels.reshapeThatCannotRun()), EngineOptions.forInference(1), source,
                        source.list()));
        assertTrue(e.getMessage().startsWith("the FP32 model does not run in ONNX Runtime"), e.getMessage());
        assertTrue(e.getMessage().contains("Reshape") || e.getMessage().contains("reshape"), e.getMessage());
    }

    @Test
    void anUndecodableFirstSampleFailsAtOnceOrIsPassedOverWhenSkippingBadSamples() throws Exception {
        TinyRun t = TinyRun.create(tmp, 2, 4);
        Files.writeString(t.data.resolve("s000.npy"), "not an npy file");
        Counting source = source(t);
        Preflight strict = new Preflight(new OrtEngineFactory());
        BadSampleException e = assertThrows(BadSampleException.class, () -> strict.check("the FP32 model",
                blob(TinyModels.convReluConv()), EngineOptions.forInference(1), source, source.list()));
        assertTrue(e.getMessage().contains("s000.npy"), e.getMessage());
        Preflight skipping = new Preflight(new OrtEngineFactory());
        skipping.skipBadSamples(true);
        skipping.check("the FP32 model", blob(TinyModels.convReluConv()), EngineOptions.forInference(1), source,
                source.list());
        assertEquals(3, source.loads.get(), "s000.npy (twice) was bad, s001.npy probed the model");
    }
}
