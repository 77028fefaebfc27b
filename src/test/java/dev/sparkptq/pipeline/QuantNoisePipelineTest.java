package dev.sparkptq.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.EngineSection;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuantNoisePipelineTest {
    private static RunResult run(TinyRun t, Path out, RunOptions.Evaluation eval) throws Exception {
        return run(t, t.config(2, "performance"), out, eval);
    }

    private static RunResult run(TinyRun t, PtqConfig config, Path out, RunOptions.Evaluation eval)
            throws Exception {
        return new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()), m -> { })
                .run(config, t.options(out, eval));
    }

    /**
     * TinyRun's samples have different amplitudes on purpose, so POT's default mean-of-per-sample-maxima range
     * clips the louder ones; the max aggregator covers every sample, leaving only rounding noise.
     */
    private static PtqConfig maxAggregator(TinyRun t) {
        String json = t.json(2, "performance").replace("\"params\": { \"preset\": \"performance\" }",
                "\"params\": { \"preset\": \"performance\", \"activations\": { \"range_estimator\": "
                        + "{ \"max\": { \"aggregator\": \"max\" } } } }");
        return ConfigLoader.fromJson(json, t.dir, ConfigOverrides.none());
    }

    private static double activationDb(RunReport r, String tensor) {
        return r.quantizationError().stream().filter(q -> q.kind().equals("activation") && q.tensor().equals(tensor))
                .findFirst().orElseThrow().sqnrDb();
    }

    @Test
    void everyActivationHasAFiniteSqnrAboveTwentyDbAtEightBits(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 40, 9);
        RunResult res = run(t, maxAggregator(t), tmp.resolve("out"), RunOptions.Evaluation.RUN);
        RunReport r = res.report();
        List<RunReport.QuantErrorSummary> rows = r.quantizationError();
        assertNotNull(rows);
        Set<String> activations = r.quantization().tensors().stream().filter(s -> s.kind().equals("activation"))
                .map(RunReport.TensorSummary::tensor).collect(Collectors.toSet());
        Set<String> weights = r.quantization().tensors().stream().filter(s -> s.kind().equals("weight"))
                .map(RunReport.TensorSummary::tensor).collect(Collectors.toSet());
        assertEquals(Set.of("x", "r1"), activations);
        for (String a : activations) {
            RunReport.QuantErrorSummary row = rows.stream()
                    .filter(q -> q.kind().equals("activation") && q.tensor().equals(a)).findFirst().orElseThrow();
            assertNotNull(row.sqnrDb(), a);
            assertTrue(row.sqnrDb() > 20, a + ": " + row.sqnrDb());
            assertEquals(EngineSection.DEFAULT_SQNR_SAMPLES, row.samples(), "capped at the default sample count");
        }
        assertEquals(weights, rows.stream().filter(q -> q.kind().equals("weight"))
                .map(RunReport.QuantErrorSummary::tensor).collect(Collectors.toSet()));
        assertTrue(rows.stream().anyMatch(q -> q.kind().equals("op_output")), rows.toString());
        for (int i = 1; i < rows.size(); i++) {
            double prev = rows.get(i - 1).sqnrDb() == null ? Double.MAX_VALUE : rows.get(i - 1).sqnrDb();
            double cur = rows.get(i).sqnrDb() == null ? Double.MAX_VALUE : rows.get(i).sqnrDb();
            assertTrue(prev <= cur, "worst first: " + rows);
        }
        JsonNode json = new ObjectMapper().readTree(Files.readString(res.reportFile()));
        JsonNode first = json.get("quantization_error").get(0);
        assertEquals(rows.get(0).tensor(), first.get("tensor").asText());
        assertEquals(rows.get(0).sqnrDb(), first.get("sqnr_db").asDouble(), 1e-9);
        String html = Files.readString(res.reportFile().resolveSibling("report.html"));
        assertTrue(html.contains("id=\"layer-sqnr\""), "the section replaces the placeholder");
        assertTrue(!html.contains("Not computed in this run. This section will show signal"), "no placeholder");
    }

    @Test
    void clippingByTheMeanAggregatorShowsAsALowerInputSqnr(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 40, 9);
        double clipped = activationDb(run(t, tmp.resolve("mean"), RunOptions.Evaluation.RUN).report(), "x");
        double full = activationDb(run(t, maxAggregator(t), tmp.resolve("max"), RunOptions.Evaluation.RUN).report(),
                "x");
        assertTrue(clipped < full - 10, "mean " + clipped + " dB vs max " + full + " dB");
    }

    @Test
    void sqnrSamplesCapsThePassAndZeroKeepsOnlyTheWeights(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 6, 4);
        for (int n : new int[]{0, 3}) {
            String json = t.json(2, "performance").replace("\"num_partitions\": 2",
                    "\"num_partitions\": 2, \"sqnr_samples\": " + n);
            RunReport r = run(t, ConfigLoader.fromJson(json, t.dir, ConfigOverrides.none()), tmp.resolve("o" + n),
                    RunOptions.Evaluation.RUN).report();
            Set<String> kinds = r.quantizationError().stream().map(RunReport.QuantErrorSummary::kind)
                    .collect(Collectors.toSet());
            if (n == 0) {
                assertEquals(Set.of("weight"), kinds);
            } else {
                assertEquals(Set.of("weight", "activation", "op_output"), kinds);
                assertTrue(r.quantizationError().stream().filter(q -> !q.kind().equals("weight"))
                        .allMatch(q -> q.samples() == 3), r.quantizationError().toString());
            }
        }
    }

    @Test
    void withoutEvaluationThereIsNoQuantizationError(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 4, 2);
        assertNull(run(t, tmp.resolve("out"), RunOptions.Evaluation.SKIP).report().quantizationError());
    }
}
