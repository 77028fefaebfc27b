package dev.sparkptq.pipeline;

import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.FileChecks;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.report.RunReport;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The report's drop is positive when the quantized model is worse, whichever way the metric points. */
class EvaluationsDirectionTest {
    private static final String ERROR_CLASS = "dev.sparkptq.accuracy.CustomMetricsTest$AbsError";

    private static PtqConfig config(String metrics) {
        return ConfigLoader.fromJson("""
                { "model": { "model": "m.onnx" },
                  "engine": { "data_source": "d", "reader": { "type": "json" }, "metrics": [ %s ] } }
                """.formatted(metrics), Path.of("/tmp"), ConfigOverrides.none(), FileChecks.SKIP);
    }

    @Test
    void lowerBetterMetricDropIsQuantizedMinusFp32() {
        PtqConfig c = config("{ \"type\": \"cosine_to_fp32\" },"
                + "{ \"type\": \"custom\", \"name\": \"err\", \"class\": \"" + ERROR_CLASS + "\" },"
                + "{ \"type\": \"custom\", \"name\": \"err_up\", \"class\": \"" + ERROR_CLASS + "\","
                + "  \"direction\": \"higher-better\" }");
        EvaluationResult r = new EvaluationResult(Map.of("cosine_to_fp32", 1.0, "err", 0.0, "err_up", 0.5),
                Map.of("cosine_to_fp32", 0.97, "err", 0.25, "err_up", 0.25), 10);
        RunReport.MetricsSummary s = Evaluations.summary(c, "d", r, 0);
        assertEquals(0.03, s.drop().get("cosine_to_fp32"), 1e-12);
        assertEquals(0.25, s.drop().get("err"), 1e-12);      // the error grew: worse
        assertEquals(0.25, s.drop().get("err_up"), 1e-12);   // configured higher-better: 0.5 -> 0.25 is worse
    }
}
