package dev.sparkptq.spark;

import dev.sparkptq.core.DataException;
import dev.sparkptq.core.QuantizationException;
import dev.sparkptq.pipeline.InProcessBackend;
import dev.sparkptq.pipeline.QuantizationPipeline;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.TinyRun;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spark local[2] with 4 partitions gives the in-process reference's answer (same scales, same metrics). */
class SparkBackendTest {
    private static RunReport run(dev.sparkptq.pipeline.StatisticsBackend backend, TinyRun t, int partitions, Path out)
            throws Exception {
        return new QuantizationPipeline(backend, m -> { })
                .run(t.config(partitions, "performance"), t.options(out, RunOptions.Evaluation.RUN)).report();
    }

    @Test
    void sparkWithFourPartitionsMatchesTheInProcessReferenceWithOne(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 17, 3);
        RunReport spark = run(new SparkBackend(SparkTestSession.get(), new OrtEngineFactory()), t, 4,
                tmp.resolve("spark"));
        RunReport reference = run(new InProcessBackend(new OrtEngineFactory()), t, 1, tmp.resolve("ref"));
        assertEquals(4, spark.calibration().partitions());
        assertTrue(spark.provenance().backend().startsWith("spark local[2]"), spark.provenance().backend());
        List<RunReport.TensorSummary> a = spark.quantization().tensors();
        List<RunReport.TensorSummary> b = reference.quantization().tensors();
        assertEquals(b.size(), a.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(b.get(i).scaleMax(), a.get(i).scaleMax(), 1e-6 * b.get(i).scaleMax(), b.get(i).tensor());
            assertEquals(b.get(i).rangeMin(), a.get(i).rangeMin(), 1e-6 * Math.abs(b.get(i).rangeMin()));
        }
        assertEquals(reference.metrics().quantized().get("cosine_to_fp32"),
                spark.metrics().quantized().get("cosine_to_fp32"), 1e-9);
        assertEquals(17, spark.metrics().samples());
        assertEquals(reference.quantizationError(), spark.quantizationError(),
                "exact noise sums: the same SQNR bit for bit whatever the partitioning");
        assertTrue(spark.quantizationError().size() > 4, spark.quantizationError().toString());
    }

    @Test
    void aBadSampleOnAnExecutorSurfacesAsADataExceptionNamingTheFile(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 6, 4);
        Files.writeString(t.data.resolve("s003.npy"), "not an npy file");
        Exception e = assertThrows(Exception.class, () -> run(
                new SparkBackend(SparkTestSession.get(), new OrtEngineFactory()), t, 3, tmp.resolve("out")));
        QuantizationException q = null;
        for (Throwable c = e; c != null && q == null; c = c.getCause()) {
            q = c instanceof QuantizationException qe ? qe : null;
        }
        assertNotNull(q, "a QuantizationException in the cause chain of " + e);
        assertTrue(q instanceof DataException, q.toString());
        assertTrue(q.getMessage().contains("s003.npy"), q.getMessage());
        assertTrue(Files.notExists(tmp.resolve("out").resolve("model.onnx")), "nothing half-written");
    }
}
