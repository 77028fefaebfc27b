package dev.sparkptq.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkptq.pipeline.InProcessPipelineTest;
import dev.sparkptq.pipeline.QuantizationPipeline;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.RunResult;
import dev.sparkptq.pipeline.TinyRun;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #7's determinism on Spark local[2]: the same config, data and partitioning give byte-identical model.onnx and
 * the same report.json apart from wall-clock timings; 1, 4 and 8 partitions give scales equal within 1e-6 relative.
 */
class DeterminismTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RunResult run(TinyRun t, int partitions, Path out) throws Exception {
        return new QuantizationPipeline(new SparkBackend(SparkTestSession.get(), new OrtEngineFactory()), m -> { })
                .run(t.config(partitions, "mixed"), t.options(out, RunOptions.Evaluation.RUN));
    }

    @Test
    void theSameRunTwiceGivesTheSameModelBytesAndTheSameReportMinusTimings(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 24, 5);
        RunResult first = run(t, 4, tmp.resolve("first"));
        RunResult second = run(t, 4, tmp.resolve("second"));

        assertTrue(Arrays.equals(Files.readAllBytes(first.model()), Files.readAllBytes(second.model())),
                "model.onnx differs between two identical runs");
        JsonNode a = withoutVolatile(JSON.readTree(first.model().resolveSibling("report.json").toFile()));
        JsonNode b = withoutVolatile(JSON.readTree(second.model().resolveSibling("report.json").toFile()));
        assertTrue(a.size() > 5, a.toString());
        assertEquals(a, b, "report.json differs beyond timings");
        assertEquals(Files.readString(first.model().resolveSibling("statistics.json")),
                Files.readString(second.model().resolveSibling("statistics.json")));
    }

    @Test
    void oneFourAndEightPartitionsGiveTheSameScales(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 24, 6);
        var one = run(t, 1, tmp.resolve("p1")).report();
        var four = run(t, 4, tmp.resolve("p4")).report();
        var eight = run(t, 8, tmp.resolve("p8")).report();
        assertEquals(8, eight.calibration().partitions());
        InProcessPipelineTest.assertSameScales(one, four);
        InProcessPipelineTest.assertSameScales(one, eight);
    }

    /** Drops what legitimately changes between identical runs: wall-clock times and the run's own paths. */
    private static JsonNode withoutVolatile(JsonNode report) {
        ObjectNode copy = report.deepCopy();
        assertTrue(copy.has("timings_ms"), "the report names its timings 'timings_ms'");
        copy.remove("timings_ms");
        ((ObjectNode) copy.get("output")).remove("path");
        return copy;
    }
}
