package dev.sparkptq.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.report.ReportWriter;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.sparkptq.pipeline.HistogramRun.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Histogram calibration (one-pass grid and two-pass extremes), in process, on the tiny conv-relu-conv model. */
class HistogramPipelineTest {
    private static final String MINMAX = "{ \"min\": { \"aggregator\": \"min\" }, \"max\": { \"aggregator\": \"max\" } }";

    private static RunResult run(TinyRun t, PtqConfig config, Path out, RunOptions.Evaluation eval) throws Exception {
        return new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()), m -> { })
                .run(config, t.options(out, eval));
    }

    private static double maxAbs(float[][] samples) {
        double m = 0;
        for (float[] s : samples) {
            for (float v : s) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return m;
    }

    /** What either edge choice must give: x int8 within its extremes, the Relu output unsigned, the model close. */
    private static void assertHistogramScalesAreSound(TinyRun t, RunReport r) {
        RunReport.TensorSummary x = tensor(r, "x");
        assertEquals("INT8", x.storage());
        assertTrue(x.scaleMax() <= maxAbs(t.samples) / 127 * (1 + 1e-6), "never wider than the extremes");
        assertEquals("UINT8", tensor(r, "r1").storage(), "a Relu output stays unsigned");
        double cosine = r.metrics().quantized().get("cosine_to_fp32");
        assertTrue(cosine > 0.99, "cosine " + cosine);
    }

    @Test
    void histogramPresetRunsOnePassWithGridEdgesByDefault(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 10, 2);
        RunResult res = run(t, HistogramRun.config(t, 2, "performance", "{ \"preset\": \"histogram\" }"),
                tmp.resolve("out"), RunOptions.Evaluation.RUN);
        RunReport r = res.report();
        assertEquals(1, r.calibration().statisticsPasses());
        assertEquals(2, r.calibration().histogramTensors(), "x (a graph input) and r1 (an exposed output)");
        assertTrue(!r.timingsMs().containsKey("histograms"), r.timingsMs().toString());
        assertHistogramScalesAreSound(t, r);
    }

    @Test
    void extremesEdgesRunTwoPassesAndReportThem(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 10, 2);
        RunResult res = run(t, HistogramRun.config(t, 2, "performance",
                "{ \"preset\": \"histogram\", \"histogram\": { \"edges\": \"extremes\" } }"),
                tmp.resolve("out"), RunOptions.Evaluation.RUN);
        RunReport r = res.report();
        assertEquals(2, r.calibration().statisticsPasses());
        assertEquals(2, r.calibration().histogramTensors(), "x (a graph input) and r1 (an exposed output)");
        assertTrue(r.timingsMs().containsKey("histograms"), r.timingsMs().toString());
        JsonNode json = ReportWriter.read(Files.readAllBytes(res.reportFile()));
        assertEquals(2, json.get("calibration").get("statistics_passes").asInt());
        assertHistogramScalesAreSound(t, r);
    }

    @Test
    void otherPresetsRunOnePass(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 4, 2);
        RunReport r = run(t, t.config(1, "performance"), tmp.resolve("out"), RunOptions.Evaluation.SKIP).report();
        assertEquals(1, r.calibration().statisticsPasses());
        assertEquals(0, r.calibration().histogramTensors());
        assertTrue(!r.timingsMs().containsKey("histograms"), r.timingsMs().toString());
    }

    @Test
    void percentileRangeClipsOutliersThatMinMaxKeeps(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 12, 7);
        HistogramRun.inject(t, 0, 30f, -30f, 25f);
        HistogramRun.inject(t, 5, -28f);
        RunReport minMax = run(t, HistogramRun.config(t, 1, "performance", MINMAX), tmp.resolve("minmax"),
                RunOptions.Evaluation.SKIP).report();
        RunReport histogram = run(t, HistogramRun.config(t, 1, "performance", "{ \"preset\": \"histogram\", "
                + "\"histogram\": { \"method\": \"percentile\", \"percentile\": 99 } }"), tmp.resolve("hist"),
                RunOptions.Evaluation.SKIP).report();
        assertEquals(30.0 / 127, tensor(minMax, "x").scaleMax(), 30.0 / 127 * 1e-6);

        double[] abs = Arrays.stream(t.samples).flatMapToDouble(s -> {
            double[] d = new double[s.length];
            for (int i = 0; i < s.length; i++) {
                d[i] = Math.abs(s[i]);
            }
            return Arrays.stream(d);
        }).sorted().toArray();
        double p99 = abs[(int) Math.ceil(0.99 * abs.length) - 1];
        double bin = 30.0 / 2048;
        assertEquals(p99 / 127, tensor(histogram, "x").scaleMax(), bin / 127);
        assertTrue(tensor(histogram, "x").scaleMax() < tensor(minMax, "x").scaleMax() / 5,
                "the outliers are clipped");
        assertTrue(tensor(histogram, "r1").scaleMax() < tensor(minMax, "r1").scaleMax(),
                "r1 inherits outliers through conv1; its 99th percentile is below its maximum");
    }

    @Test
    void histogramScalesDoNotDependOnThePartitioningAtAll(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 13, 9);
        HistogramRun.inject(t, 3, 9f);
        String[] histograms = {"\"method\": \"mse\"", "\"method\": \"kl\"", "\"method\": \"percentile\"",
            "\"method\": \"mse\", \"edges\": \"extremes\""};
        for (int i = 0; i < histograms.length; i++) {
            String estimator = "{ \"preset\": \"histogram\", \"histogram\": { " + histograms[i] + " } }";
            RunReport one = run(t, HistogramRun.config(t, 1, "mixed", estimator), tmp.resolve(i + "-1"),
                    RunOptions.Evaluation.SKIP).report();
            RunReport four = run(t, HistogramRun.config(t, 4, "mixed", estimator), tmp.resolve(i + "-4"),
                    RunOptions.Evaluation.SKIP).report();
            assertEquals(one.quantization().tensors(), four.quantization().tensors(), histograms[i]);
        }
    }
}
